/// The facade computes what the core computes, with C#-shaped signatures.
module FacadeTests

open System
open Expecto
open Fluxion
open Fluxion.CSharp

[<Tests>]
let tests =
    testList "Api.Facade" [
        testCase "Shape prints like torch.Size" <| fun () ->
            let x = Torch.Zeros(100, 2)
            Expect.equal (x.Size.ToString()) "torch.Size([100, 2])" "torch.Size"
            Expect.equal (string (Torch.Tensor(3.0).Size)) "torch.Size([])" "0-dim"

        testCase "linspace after seeding gives PyTorch's grid" <| fun () ->
            let g = Torch.Linspace(0.0, 2.0, 100)
            Expect.equal g.Numel 100 "100 points"
            Expect.equal (g.ToFloat32Array().[99]) 2.0f "ends at 2"

        // Seeds the process-wide default generator: runs alone, after the parallel tests.
        testSequenced <| testCase "ManualSeed(0) then Rand gives torch.rand's first values" (fun () ->
            Torch.ManualSeed 0L
            let r = Torch.Rand(3).ToFloat32Array()
            // torch.manual_seed(0); torch.rand(3) -> [0.4963, 0.7682, 0.0885]
            Expect.floatClose Accuracy.medium (float r.[0]) 0.49625658988952637 "first"
            Expect.floatClose Accuracy.medium (float r.[1]) 0.7682217955589294 "second")

        testCase "Diff.Grad takes a Func and matches the Himmelblau gradient" <| fun () ->
            let f = Func<Tensor, Tensor>(fun p ->
                let u, v = p.[0], p.[1]
                Tensor.Pow(u * u + v - 11.0, 2.0) + Tensor.Pow(u + v * v - 7.0, 2.0))
            let g = Diff.Grad(f, Torch.FromArray([| 3.0; 0.0 |], 2)).ToDoubleArray()
            Expect.equal g [| -32.0; -4.0 |] "df/du = 4u(u²+v-11) + 2(u+v²-7), df/dv = 2(u²+v-11) + 4v(u+v²-7)"
            let h = Diff.Hessian(f, Torch.FromArray([| 3.0; 0.0 |], 2)).ToDoubleArray()
            Expect.equal h [| 66.0; 12.0; 12.0; -14.0 |] "Hessian at (3, 0)"

        testCase "NoGrad scope stops recording" <| fun () ->
            let w = Torch.Ones(2).RequiresGrad()
            use _ = Torch.NoGrad()
            let y = (w * 2.0).Sum()
            Expect.isFalse y.RequiresGrad "no graph inside NoGrad"
    ]

[<Tests>]
let initTests =
    testList "Api.Init" [
        testCase "Init.XavierUniform_ from C# equals torch.nn.init.xavier_uniform_ after the same seed" <| fun () ->
            // torch.manual_seed(0); w = torch.empty(4, 6); torch.nn.init.xavier_uniform_(w)  (tests/data/init_functions.json)
            let g = Torch.Generator().ManualSeed 0L
            let lin = Nn.Linear(6, 4, generator = g)
            Init.XavierUniform_(lin.Weight, generator = g.ManualSeed 0L) |> ignore
            let w = lin.Weight.Value.ToFloat32Array()
            Expect.equal (BitConverter.SingleToInt32Bits w.[0]) (BitConverter.SingleToInt32Bits -0.005799266044050455f) "first value"
            Expect.floatClose Accuracy.high (Init.CalculateGain("tanh")) (5.0 / 3.0) "tanh gain"
    ]
