// Functional and imperative differentiation of the Himmelblau function.
// Run after building: dotnet build -c Release && dotnet fsi examples/Himmelblau.fsx
#r "../src/Core.FSharp/bin/Release/net10.0/Fluxion.dll"
open Fluxion

let himmelblau (p: Tensor) =
    let u, v = p.[0], p.[1]
    Tensor.Pow(u * u + v - 11.0, 2.0) + Tensor.Pow(u + v * v - 7.0, 2.0)

let p = Tensor.ofArray64 [| 2 |] [| 3.0; 0.0 |]
printfn "f       = %O" (himmelblau p)
printfn "grad f  = %O" (Diff.grad himmelblau p)
printfn "hess f  = %O" (Diff.hessian himmelblau p)

// PyTorch style: a leaf that requires grad, backward() accumulates into .Grad
let q = (Tensor.ofArray [| 2 |] [| 3.0f; 0.0f |]).RequiresGrad_()
let loss = himmelblau q
loss.Backward()
printfn "loss    = %O" loss
printfn "q.Grad  = %O" q.Grad
