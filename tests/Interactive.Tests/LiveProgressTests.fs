/// LiveProgress in a kernel: the first report displays the bar, later ones update that same display (one display id).
module LiveProgressTests

open System
open System.Threading.Tasks
open Expecto
open Fluxion.Optim
open Fluxion.Interactive
open Microsoft.DotNet.Interactive
open Microsoft.DotNet.Interactive.Commands
open Microsoft.DotNet.Interactive.Events

/// A kernel whose every submission runs one action inside the submission's invocation context, as a notebook cell does.
type private ActionKernel(action: unit -> unit) =
    inherit Kernel("fluxion-progress-test")
    interface IKernelCommandHandler<SubmitCode> with
        member _.HandleAsync(_: SubmitCode, _: KernelInvocationContext) = action (); Task.CompletedTask

let private at (ms: float) iteration loss : FitProgress =
    { Iteration = iteration; Iterations = 5; Loss = loss; Elapsed = TimeSpan.FromMilliseconds ms }

[<Tests>]
let tests =
    testList "Interactive.LiveProgress" [
        testCase "one display, then updates under its display id, throttled to ten a second, the last always sent" <| fun () ->
            // Elapsed times given explicitly: 0 ms shows the bar; 50 ms is within 100 ms of it (skipped); 150 ms
            // updates; 160 ms is within 100 ms of that (skipped); the fifth (last) iteration updates whatever the time.
            let reports = [ at 0.0 1 0.5; at 50.0 2 0.4; at 150.0 3 0.3; at 160.0 4 0.2; at 170.0 5 0.125 ]
            use kernel = new ActionKernel(fun () ->
                let bar = LiveProgress 5 :> IProgress<FitProgress>
                for r in reports do bar.Report r)
            let result = kernel.SendAsync(SubmitCode "train").Result
            let failed = result.Events |> Seq.choose (function :? CommandFailed as f -> Some f.Message | _ -> None) |> List.ofSeq
            Expect.isEmpty failed "the submission succeeds"
            let shown = result.Events |> Seq.choose (function :? DisplayedValueProduced as e -> Some e | _ -> None) |> List.ofSeq
            let updated = result.Events |> Seq.choose (function :? DisplayedValueUpdated as e -> Some e | _ -> None) |> List.ofSeq
            Expect.equal shown.Length 1 "the bar is displayed once"
            let html (e: DisplayEvent) = e.FormattedValues |> Seq.find (fun v -> v.MimeType = "text/html") |> fun v -> v.Value
            Expect.stringContains (html shown.Head) "<span>1/5</span> <span>loss 0.500000</span>" "the first frame"
            Expect.equal [ for e in updated -> (html e).Contains "<span>3/5</span>", (html e).Contains "<span>5/5</span> <span>loss 0.125000</span>" ]
                [ true, false; false, true ] "frames 3 and 5 (the last) are sent as updates"
            Expect.isFalse (String.IsNullOrEmpty shown.Head.ValueId) "the display has an id"
            for e in updated do
                Expect.equal e.ValueId shown.Head.ValueId "each update names the displayed bar's id (Jupyter's transient display_id)"

        testCase "outside a kernel the bar still takes reports and remembers the last" <| fun () ->
            let bar = LiveProgress 2
            Expect.isNone bar.Last "nothing reported yet"
            (bar :> IProgress<FitProgress>).Report { Iteration = 2; Iterations = 2; Loss = 0.25; Elapsed = TimeSpan.Zero }
            Expect.equal (bar.Last |> Option.map (fun p -> p.Iteration, p.Loss)) (Some (2, 0.25)) "the last report"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> LiveProgress -1 |> ignore) "a negative length"
    ]
