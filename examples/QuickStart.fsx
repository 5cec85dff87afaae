// Quick start in F#: data, a model as a value, training with a pure optimizer; same seed, same numbers as PyTorch.
// In this repository: dotnet build -c Release, then dotnet fsi examples/QuickStart.fsx
#r "../src/Core.FSharp/bin/Release/net10.0/Fluxion.dll"

open Fluxion
open Fluxion.Nn
open Fluxion.Optim
open Fluxion.Random
open Fluxion.IO

// Data: 100 noisy samples of a curve, drawn with PyTorch's generator and arithmetic.
Tensor.manualSeed 0L
let x = Tensor.rand [| 100 |] * 2.0
let y = x + 2.0 * Tensor.pow 2.0 (x - 0.9) + 0.3 * Tensor.cos (20.0 * x) + 0.1 * Tensor.randn [| 100 |]
let xs, ys = Tensor.unsqueeze 1 x, Tensor.unsqueeze 1 y   // (100, 1): one feature per sample

// A model is a value; its parameters are a separate tree of tensors, drawn as nn.Linear draws them.
let net = Layer.linear 1 3 --> Layer.relu --> Layer.linear 3 1
Tensor.manualSeed 0L
let p0 = Layer.init Generator.Default net
let loss p = Loss.mse Reduction.Mean (Layer.apply net p xs) ys
let fit = Fit.fit (Optim.sgd 0.01) loss { FitOptions.Create 4000 with ReportEvery = 1000 }
                  (fun k l -> printfn "%s" (Fit.progressLine k l)) p0

// Save the parameter tree in PyTorch's .pt format (names as nn.Sequential's: 0.weight, ...), then read it back.
let path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "two_layer_net.pt")
Checkpoint.save path (Params.toStateDict fit.Params)
let restored = Params.ofStateDict p0 (Checkpoint.loadStateDict path)

let prediction = Layer.apply net restored (Tensor.ofArray [| 1; 1 |] [| 1.0f |])
printfn "Prediction at x = 1: %.4f" (prediction.ToDouble())
