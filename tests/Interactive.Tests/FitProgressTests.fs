/// Trainer.Fit's progress as an IProgress<FitProgress>: each report names the iteration, the run's length and the loss.
module FitProgressTests

open System
open System.Collections.Generic
open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.Optim

type private Collect() =
    member val Reports = List<FitProgress>()
    interface IProgress<FitProgress> with
        member this.Report p = this.Reports.Add p

[<Tests>]
let tests =
    testList "Interactive.FitProgress" [
        testCase "Trainer.Fit reports every iteration's loss to an IProgress<FitProgress>" <| fun () ->
            // loss(w) = (w - 3)², w0 = 1, SGD lr 0.1: w goes 1, 1.4, 1.72, 1.976 and the loss 4, 2.56, 1.6384, 1.048576.
            let w = Parameter(Fluxion.CSharp.Torch.Tensor(1.0))
            let sgd = SGD([| w |], lr = 0.1)
            let sink = Collect()
            let losses = Trainer.Fit(sgd, Func<Tensor>(fun () -> (w.Value - 3.0) * (w.Value - 3.0)), 4, sink)
            Expect.equal [ for p in sink.Reports -> p.Iteration, p.Iterations ] [ 1, 4; 2, 4; 3, 4; 4, 4 ] "iterations and the run's length"
            for p, expected in Seq.zip sink.Reports [ 4.0; 2.56; 1.6384; 1.048576 ] do
                Expect.floatClose { absolute = 1e-5; relative = 1e-6 } p.Loss expected (sprintf "loss at iteration %d" p.Iteration)
            Expect.sequenceEqual [ for p in sink.Reports -> p.Loss ] losses "the reported losses are the returned ones"
            Expect.isTrue (sink.Reports |> Seq.pairwise |> Seq.forall (fun (a, b) -> a.Elapsed <= b.Elapsed)) "the elapsed time never goes back"

        testCase "reportEvery thins the reports; a null sink is refused" <| fun () ->
            let w = Parameter(Fluxion.CSharp.Torch.Tensor(1.0))
            let sink = Collect()
            Trainer.Fit(SGD([| w |], lr = 0.1), Func<Tensor>(fun () -> (w.Value - 3.0) * (w.Value - 3.0)), 10, sink, reportEvery = 5) |> ignore
            Expect.equal [ for p in sink.Reports -> p.Iteration ] [ 5; 10 ] "every fifth iteration"
            Expect.throwsT<ArgumentNullException> (fun () ->
                Trainer.Fit(SGD([| w |], lr = 0.1), Func<Tensor>(fun () -> w.Value), 1, (null: IProgress<FitProgress>)) |> ignore) "a null sink"
    ]

[<Tests>]
let pureTests =
    testList "Interactive.FitProgress.Pure" [
        testCase "Fit.fitWithProgress reports the pure loop's iterations and losses" <| fun () ->
            // loss(w) = (w - 3)² on the parameter tree {w}, w0 = 1, SGD lr 0.1: the losses 4, 2.56, 1.6384.
            let p0 = Params.group [ "w", Params.leaf (Fluxion.CSharp.Torch.Tensor(1.0)) ]
            let loss (p: Params) = let w = Layer.field "w" p in (w - 3.0) * (w - 3.0)
            let sink = Collect()
            let result = Fit.fitWithProgress (Optim.sgd 0.1) loss (FitOptions.Create 3) sink p0
            Expect.equal [ for p in sink.Reports -> p.Iteration, p.Iterations ] [ 1, 3; 2, 3; 3, 3 ] "every iteration when ReportEvery is 0"
            for p, expected in Seq.zip sink.Reports [ 4.0; 2.56; 1.6384 ] do
                Expect.floatClose { absolute = 1e-5; relative = 1e-6 } p.Loss expected (sprintf "loss at iteration %d" p.Iteration)
            Expect.sequenceEqual [ for p in sink.Reports -> p.Loss ] result.Losses "the reported losses are the result's"
            Expect.throwsT<ArgumentNullException> (fun () -> Fit.fitWithProgress (Optim.sgd 0.1) loss (FitOptions.Create 1) null p0 |> ignore) "a null sink"
    ]
