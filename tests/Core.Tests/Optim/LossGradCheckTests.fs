/// The losses' derivative table (float64): reverse and forward mode against central differences and, each loss
/// being smooth where its inputs are drawn, the Hessian across every nesting of modes and finite differences.
/// Each weight, pos_weight, ignore_index, label smoothing, class-probability and reduction variant is a case.
module OptimLossGradCheckTests

open Expecto
open Fluxion
open Fluxion.Optim
open GradCheck

let private shape = [| 3; 4 |]
/// Targets in [0, 1] (hard and soft), elementwise weights and one pos_weight per class (the last dimension).
let private y01 = t64 shape [| 0.1; 0.9; 0.0; 1.0; 0.5; 0.3; 0.7; 0.2; 1.0; 0.0; 0.6; 0.4 |]
let private w = t64 shape [| 0.5; 1.0; 2.0; 0.25; 1.5; 0.75; 1.0; 3.0; 0.1; 1.2; 0.8; 2.0 |]
let private pw = t64 [| 4 |] [| 0.5; 2.0; 1.0; 3.0 |]
let private classWeight = t64 [| 4 |] [| 1.0; 2.0; 0.5; 1.5 |]
let private classes = Tensor.create [| 3L; 0L; 1L |]
let private classesIgnored = Tensor.create [| 3L; 7L; 1L |]
let private classProbs = t64 shape [| 0.1; 0.2; 0.3; 0.4; 1.0; 0.0; 0.0; 0.0; 0.25; 0.25; 0.25; 0.25 |]
let private classes3d = (Tensor.create [| 0L; 3L; 2L; 1L; 1L; 0L |]).Reshape [| 2; 3 |]
let private classes3dIgnored = (Tensor.create [| 0L; 7L; 2L; 1L; 7L; 0L |]).Reshape [| 2; 3 |]
/// Regression targets; the inputs stay away from the kinks of |x − y| and of Huber/SmoothL1 at |x − y| = δ.
let private target = t64 shape [| 0.3; -0.2; 0.8; 0.0; -1.0; 0.5; 0.1; -0.4; 0.6; 1.0; -0.7; 0.2 |]
let private offsets (delta: float) = [ for k in -3 .. 3 -> float k * delta ]
let private residual (delta: float) : Gen = fun r -> awayFrom (offsets delta) 0.1 -1.4 1.4 shape r + target

let table : OpCase list =
    [ unary "BCELoss mean" (uniform 0.1 0.9 shape) (fun x -> Loss.bceWith None Reduction.Mean x y01) true
      unary "BCELoss weight, reduction none" (uniform 0.1 0.9 shape) (fun x -> Loss.bceWith (Some w) Reduction.None x y01) true
      unary "BCEWithLogitsLoss mean" (normal shape) (fun x -> Loss.bceWithLogitsWith None None Reduction.Mean x y01) true
      unary "BCEWithLogitsLoss pos_weight, mean" (normal shape) (fun x -> Loss.bceWithLogitsWith None (Some pw) Reduction.Mean x y01) true
      unary "BCEWithLogitsLoss weight and pos_weight, sum" (normal shape) (fun x -> Loss.bceWithLogitsWith (Some w) (Some pw) Reduction.Sum x y01) true
      unary "BCEWithLogitsLoss pos_weight, reduction none" (normal shape) (fun x -> Loss.bceWithLogitsWith None (Some pw) Reduction.None x y01) true
      unary "L1Loss mean" (residual 10.0) (fun x -> Loss.l1 Reduction.Mean x target) true
      unary "HuberLoss delta 0.5, mean" (residual 0.5) (fun x -> Loss.huber 0.5 Reduction.Mean x target) true
      unary "SmoothL1Loss beta 0.4, reduction none" (residual 0.4) (fun x -> Loss.smoothL1 0.4 Reduction.None x target) true
      unary "MSELoss sum" (normal shape) (fun x -> Loss.mse Reduction.Sum x target) true
      unary "NLLLoss weight, ignore_index 7" (normal shape) (fun x -> Loss.nllWith "NLLLoss" (Some classWeight) 7L Reduction.Mean x classesIgnored) true
      unary "CrossEntropyLoss class indices, mean" (normal shape) (fun x -> Loss.crossEntropy Reduction.Mean x classes) true
      unary "CrossEntropyLoss weight, ignore_index, label_smoothing 0.2" (normal shape)
          (fun x -> Loss.crossEntropyWith (Some classWeight) 7L 0.2 Reduction.Mean x classesIgnored) true
      unary "CrossEntropyLoss class probabilities, weight, label_smoothing 0.1, sum" (normal shape)
          (fun x -> Loss.crossEntropyWith (Some classWeight) -100L 0.1 Reduction.Sum x classProbs) true
      unary "CrossEntropyLoss (N, C, L), reduction none" (normal [| 2; 4; 3 |]) (fun x -> Loss.crossEntropyWith None -100L 0.0 Reduction.None x classes3d) true
      unary "CrossEntropyLoss (N, C, L), ignore_index 7, label_smoothing 0.3, mean" (normal [| 2; 4; 3 |])
          (fun x -> Loss.crossEntropyWith None 7L 0.3 Reduction.Mean x classes3dIgnored) true
      unary "CrossEntropyLoss (N, C, L), weight, ignore_index 7, label_smoothing 0.2, sum" (normal [| 2; 4; 3 |])
          (fun x -> Loss.crossEntropyWith (Some classWeight) 7L 0.2 Reduction.Sum x classes3dIgnored) true ]

[<Tests>]
let tests = testList "Optim.LossGradCheck" (table |> List.collect checks)
