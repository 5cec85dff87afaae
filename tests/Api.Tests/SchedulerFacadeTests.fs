/// LrScheduler: the C# spelling of torch.optim.lr_scheduler with PyTorch's string options.
module SchedulerFacadeTests

open System
open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.Optim
open Fluxion.CSharp

let private sgd () = SGD([ Parameter(Tensor.ofArray [| 2 |] [| 0.0f; 0.0f |]) ], 0.1, momentum = 0.9)

let private raises<'e when 'e :> exn> (msg: string) (f: unit -> obj) =
    let ex = Expect.throwsC (f >> ignore) id
    Expect.isTrue (ex :? 'e) (sprintf "%s expected, got %s: %s" typeof<'e>.Name (ex.GetType().Name) ex.Message)
    Expect.stringStarts ex.Message msg "PyTorch's message"

[<Tests>]
let tests =
    testList "Facade.LrScheduler" [
        testCase "OneCycleLR follows torch 1.13's first rates and momenta" <| fun () ->
            // torch 1.13: OneCycleLR(SGD(lr=0.1, momentum=0.9), max_lr=0.1, total_steps=20).
            let o = sgd ()
            let s = LrScheduler.OneCycleLR(o, 0.1, totalSteps = Nullable 20)
            Expect.equal (s.GetLastLr()) [| 0.0040000000000000036 |] "lr at construction"
            Expect.equal o.ParamGroups[0].Momentum 0.95 "max momentum"
            s.Step()
            Expect.equal (s.GetLastLr()) [| 0.013167184270002533 |] "lr after one step"
            Expect.equal o.ParamGroups[0].Momentum 0.9404508497187474 "momentum after one step"

        testCase "string options map to the F# schedulers and bad ones raise PyTorch's messages" <| fun () ->
            let s = LrScheduler.ReduceLROnPlateau(sgd (), mode = "max", patience = 0, factor = 0.5)
            s.Step 1.0
            s.Step 0.5
            Expect.equal (s.GetLastLr()) [| 0.05 |] "max mode: a fall is a bad epoch"
            let w = LrScheduler.CosineAnnealingWarmRestarts(sgd (), 2)
            w.Step()
            w.Step()
            Expect.equal (w.GetLastLr()) [| 0.1 |] "restarted"
            raises<ArgumentException> "mode up is unknown!" (fun () -> box (LrScheduler.ReduceLROnPlateau(sgd (), mode = "up")))
            raises<ArgumentException> "threshold mode pct is unknown!" (fun () -> box (LrScheduler.ReduceLROnPlateau(sgd (), thresholdMode = "pct")))
            raises<ArgumentOutOfRangeException> "Factor should be < 1.0." (fun () -> box (LrScheduler.ReduceLROnPlateau(sgd (), factor = 1.0)))
            raises<ArgumentException> "You must define either total_steps OR (epochs AND steps_per_epoch)" (fun () -> box (LrScheduler.OneCycleLR(sgd (), 0.1)))
            raises<ArgumentOutOfRangeException> "Expected positive integer total_steps, but got 0" (fun () -> box (LrScheduler.OneCycleLR(sgd (), 0.1, totalSteps = Nullable 0)))
            raises<ArgumentException> "anneal_strategy must by one of 'cos' or 'linear', instead got exp" (fun () ->
                box (LrScheduler.OneCycleLR(sgd (), 0.1, totalSteps = Nullable 10, annealStrategy = "exp")))
            let e = LrScheduler.OneCycleLR(sgd (), 0.1, epochs = Nullable 3, stepsPerEpoch = Nullable 4)
            Expect.equal e.TotalSteps 12 "epochs * steps per epoch"
            Expect.equal (LrScheduler.StepLR(sgd (), 1, 0.5).GetLastLr()) [| 0.1 |] "StepLR"
    ]
