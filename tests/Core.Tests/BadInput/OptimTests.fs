/// Bad input to optimizers, schedulers, generators, Diff functions, parameters and state dicts.
module BadInput.OptimTests

open System
open System.Collections.Generic
open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.Optim
open Fluxion.Random
open BadInputUtil

let private prm () = Parameter(Tensor.zeros [| 2 |])
let private sgd () = SGD([ prm () ], 0.1)

[<Tests>]
let tests =
    testList "BadInput.Optim" [
        testCase "learning rate negative or NaN" <| fun () ->
            raises<ArgumentException, _> (fun () -> SGD([ prm () ], -0.1)) [ "SGD: invalid learning rate -0.1 (must be a number >= 0)" ] |> ignore
            raises<ArgumentException, _> (fun () -> SGD([ prm () ], nan)) [ "SGD: invalid learning rate NaN" ] |> ignore
            raises<ArgumentException, _> (fun () -> Adam([ prm () ], -1.0)) [ "Adam: invalid learning rate -1" ] |> ignore
            raises<ArgumentException, _> (fun () -> Adam([ prm () ], nan)) [ "Adam: invalid learning rate NaN" ] |> ignore
        testCase "betas outside [0, 1) or NaN, negative eps" <| fun () ->
            raises<ArgumentException, _> (fun () -> Adam([ prm () ], 0.1, 1.0)) [ "Adam: invalid beta parameter at index 0 1 (must be in [0, 1))" ] |> ignore
            raises<ArgumentException, _> (fun () -> Adam([ prm () ], 0.1, 0.9, -0.1)) [ "invalid beta parameter at index 1 -0.1" ] |> ignore
            raises<ArgumentException, _> (fun () -> Adam([ prm () ], 0.1, nan)) [ "invalid beta parameter at index 0 NaN" ] |> ignore
            raises<ArgumentException, _> (fun () -> AdamW([ prm () ], 0.1, 1.0)) [ "AdamW: invalid beta parameter at index 0 1" ] |> ignore
            raises<ArgumentException, _> (fun () -> Adam([ prm () ], 0.1, eps = -1e-8)) [ "Adam: invalid epsilon -1e-08" ] |> ignore
            raises<ArgumentException, _> (fun () -> RMSprop([ prm () ], 0.1, eps = -0.1)) [ "RMSprop: invalid epsilon -0.1" ] |> ignore
            raises<ArgumentException, _> (fun () -> Adagrad([ prm () ], 0.1, eps = -0.1)) [ "Adagrad: invalid epsilon -0.1" ] |> ignore
        testCase "momentum, weight decay, alpha, lr decay and accumulator negative; nesterov without momentum" <| fun () ->
            raises<ArgumentException, _> (fun () -> SGD([ prm () ], 0.1, -0.5)) [ "SGD: invalid momentum -0.5" ] |> ignore
            raises<ArgumentException, _> (fun () -> SGD([ prm () ], 0.1, weightDecay = -0.5)) [ "SGD: invalid weight decay -0.5" ] |> ignore
            raises<ArgumentException, _> (fun () -> SGD([ prm () ], 0.1, nesterov = true)) [ "SGD: nesterov momentum requires a momentum > 0 and zero dampening" ] |> ignore
            raises<ArgumentException, _> (fun () -> RMSprop([ prm () ], 0.1, -0.1)) [ "RMSprop: invalid alpha -0.1" ] |> ignore
            raises<ArgumentException, _> (fun () -> RMSprop([ prm () ], 0.1, momentum = -0.1)) [ "RMSprop: invalid momentum -0.1" ] |> ignore
            raises<ArgumentException, _> (fun () -> Adagrad([ prm () ], 0.1, -0.1)) [ "Adagrad: invalid lr decay -0.1" ] |> ignore
            raises<ArgumentException, _> (fun () -> Adagrad([ prm () ], 0.1, initialAccumulatorValue = -0.1)) [ "Adagrad: invalid initial accumulator value -0.1" ] |> ignore
        testCase "empty, null and null-holding parameter lists" <| fun () ->
            raises<ArgumentException, _> (fun () -> SGD(List.empty<Parameter>, 0.1)) [ "SGD: optimizer got an empty parameter list" ] |> ignore
            raises<ArgumentException, _> (fun () -> Adam(Seq.empty<Parameter>)) [ "Adam: optimizer got an empty parameter list" ] |> ignore
            raisesNull "parameters" "optimizer" (fun () -> SGD((null: seq<Parameter>), 0.1))
            raisesNull "parameters" "optimizer" (fun () -> Adam((null: seq<Parameter>)))
            raisesNull "groups" "optimizer" (fun () -> SGD((null: seq<ParamGroup>), 0.1))
            raises<ArgumentException, _> (fun () -> SGD([ prm (); null ], 0.1)) [ "SGD: parameter group 0 contains a null parameter" ] |> ignore
        testCase "optimizer state dicts: null and missing param_groups" <| fun () ->
            raisesParam<ArgumentNullException, _> "stateDict" (fun () -> (sgd ()).LoadStateDict(null)) []
            raises<ArgumentException, _> (fun () -> (sgd ()).LoadStateDict(Dictionary<string, obj>())) [ "SGD.LoadStateDict: the state dict has no 'param_groups' entry" ] |> ignore
        testCase "schedulers: null optimizer, non-positive periods" <| fun () ->
            raisesParam<ArgumentNullException, _> "optimizer" (fun () -> StepLR(Unchecked.defaultof<_>, 1)) [ "LRScheduler: optimizer is null" ]
            raisesParam<ArgumentNullException, _> "optimizer" (fun () -> CosineAnnealingLR(Unchecked.defaultof<_>, 3)) [ "LRScheduler: optimizer is null" ]
            raisesParam<ArgumentException, _> "stepSize" (fun () -> StepLR(sgd (), 0)) [ "StepLR: stepSize must be positive, got 0" ]
            raisesParam<ArgumentException, _> "tMax" (fun () -> CosineAnnealingLR(sgd (), 0)) [ "CosineAnnealingLR: tMax must be positive, got 0" ]
        testCase "Generator.SetState: null, wrong size, corrupt counters" <| fun () ->
            raisesNull "state" "Generator.SetState" (fun () -> Generator(1UL).SetState(null))
            raisesParam<ArgumentException, _> "state" (fun () -> Generator(1UL).SetState([| 1uy; 2uy |])) [ "Generator.SetState: state must be 5056 bytes (torch.get_rng_state layout), got 2" ]
            raisesParam<ArgumentException, _> "state" (fun () -> Generator(1UL).SetState(Array.zeroCreate 5056)) [ "Generator.SetState: invalid counters left=0 next=0" ]
        testCase "Diff.grad of a non-scalar function, null function or input; Backward of a non-scalar" <| fun () ->
            let x = Tensor.ofArray64 [| 2 |] [| 1.0; 2.0 |]
            raises<ShapeException, _> (fun () -> Diff.grad (fun x -> x * 2.0) x) [ "grad: f must return a scalar (one element), got shape (2,); use jacobian or vjp" ] |> ignore
            raisesNull "f" "grad" (fun () -> Diff.grad Unchecked.defaultof<_> x)
            raisesNull "x" "grad" (fun () -> Diff.grad Tensor.sum nullT)
            raises<InvalidOperationException, _> (fun () -> (Tensor.zeros [| 2 |]).RequiresGrad_() * 2.0 |> fun t -> t.Backward()) [ "backward: grad can be implicitly created only for scalar outputs, got shape (2,)" ] |> ignore
        testCase "Parameter of null" <| fun () ->
            raisesNull "value" "Parameter" (fun () -> Parameter(nullT))
    ]

/// Building a Linear draws from the process-wide generator: run in sequence.
[<Tests>]
let stateDictTests =
    testSequenced <| testList "BadInput.StateDict" [
        testCase "module state dicts: null, missing, unexpected and mis-shaped keys in PyTorch's words" <| fun () ->
            let lin = Linear(2, 3)
            let sd (kvs: (string * Tensor) list) = Dictionary<string, Tensor>(dict kvs) :> IReadOnlyDictionary<string, Tensor>
            raisesParam<ArgumentNullException, _> "stateDict" (fun () -> lin.LoadStateDict(null)) []
            raisesParam<ArgumentException, _> "stateDict" (fun () -> lin.LoadStateDict(sd [ "weight", z [| 3; 2 |] ])) [ "Error(s) in loading state_dict for Linear:"; "Missing key(s) in state_dict: \"bias\"." ]
            raisesParam<ArgumentException, _> "stateDict" (fun () -> lin.LoadStateDict(sd [ "weight", z [| 3; 2 |]; "bias", z [| 3 |]; "foo", z [| 1 |] ])) [ "Unexpected key(s) in state_dict: \"foo\"." ]
            raisesParam<ArgumentException, _> "stateDict" (fun () -> lin.LoadStateDict(sd [ "weight", z [| 2; 3 |]; "bias", z [| 3 |] ])) [ "size mismatch for weight: copying a param with shape torch.Size([2, 3]) from checkpoint, the shape in current model is torch.Size([3, 2])." ]
    ]
