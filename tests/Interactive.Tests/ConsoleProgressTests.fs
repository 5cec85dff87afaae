/// The example programs' training bar: drawn on an interactive terminal, silent when the output is redirected.
module ConsoleProgressTests

open System
open Expecto
open Fluxion.Optim
open Fluxion.Examples
open Spectre.Console
open Spectre.Console.Testing

let private report (progress: IProgress<FitProgress>) (n: int) =
    for k in 1 .. n do
        progress.Report { Iteration = k; Iterations = n; Loss = 1.0 / float k; Elapsed = TimeSpan.FromMilliseconds(float k) }
    n

[<Tests>]
let tests =
    testList "Examples.TrainingBar" [
        testCase "on an interactive ANSI terminal the bar shows the iteration, the loss and the elapsed time" <| fun () ->
            let console = new TestConsole()
            console.Profile.Capabilities.Interactive <- true
            console.Profile.Capabilities.Ansi <- true
            console.Profile.Width <- 120
            Expect.isTrue (TrainingBar.IsLive console) "a terminal is live"
            let result = TrainingBar.Run(console, "ex2", 8000, Func<_, _>(fun p -> report p 8000))
            Expect.equal result 8000 "the body's result is returned"
            let out = console.Output
            Expect.stringContains out "ex2  8000/8000  loss 0.000125" "the last iteration and its loss"
            Expect.isMatch out @"\d\d:\d\d:\d\d" "an elapsed-time column"
            Expect.stringContains out "100%" "the bar ends complete"

        testCase "a redirected console gets no bar at all, only what the program prints itself" <| fun () ->
            let console = new TestConsole()
            console.Profile.Capabilities.Interactive <- false
            console.Profile.Capabilities.Ansi <- false
            Expect.isFalse (TrainingBar.IsLive console) "a redirected console is not live"
            let result = TrainingBar.Run(console, "ex2", 4000, Func<_, _>(fun p ->
                let n = report p 4000
                console.WriteLine(Fit.progressLine 4000 0.065949)
                n))
            Expect.equal result 4000 "the body ran"
            Expect.equal console.Output "Iteration 4000 | Loss = 0.065949\n" "only the plain loss line"

        testCase "the bar's text, and its arguments checked" <| fun () ->
            let p = { Iteration = 1000; Iterations = 4000; Loss = 0.1918687; Elapsed = TimeSpan.Zero }
            Expect.equal (TrainingBar.Describe("two-layer", p)) "two-layer  1000/4000  loss 0.191869" "label, iteration, loss"
            Expect.throwsT<ArgumentNullException> (fun () -> TrainingBar.Run<int>(new TestConsole(), "x", 1, null) |> ignore) "null body"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> TrainingBar.Run(new TestConsole(), "x", -1, Func<_, int>(fun _ -> 0)) |> ignore) "negative iterations"
    ]
