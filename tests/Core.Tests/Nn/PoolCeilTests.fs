/// MaxPool1d(ceil_mode=True) against torch 1.13 (tests/data/pool_ceil.json).
module NnPoolCeilTests

open Expecto
open Fluxion
open Fluxion.Nn

let private data = lazy (TestData.json "pool_ceil.json")

[<Tests>]
let tests =
    testList "Nn.PoolCeil" [
        testCase "MaxPool1d(ceil_mode=True) gives torch 1.13's shapes, values, gradients and reprs" <| fun () ->
            let d = data.Force()
            let input = TestData.nums (d.GetProperty "input")
            let mutable longer = 0
            for c in (d.GetProperty "cases").EnumerateArray() do
                let gi (n: string) = c.GetProperty(n).GetInt32()
                let k, s, p, dil, len = gi "kernel", gi "stride", gi "padding", gi "dilation", gi "length"
                let label = c.GetProperty("repr").GetString() + sprintf " on length %d" len
                let xs = Array.append input[0 .. len - 1] input[9 .. 9 + len - 1]
                let x = (Tensor.ofArray64 [| 1; 2; len |] xs).RequiresGrad_()
                let m = MaxPool1d(k, s, p, dil, true)
                Expect.equal (m.ToString()) (c.GetProperty("repr").GetString()) "repr"
                let y = m.Forward x
                let shape = [| for e in c.GetProperty("shape").EnumerateArray() -> e.GetInt32() |]
                Expect.equal y.Shape shape (label + ": shape")
                if shape[2] > (len + 2 * p - dil * (k - 1) - 1) / s + 1 then longer <- longer + 1
                Expect.equal (y.ToDoubleArray()) (TestData.nums (c.GetProperty "out")) (label + ": values")
                let w = Tensor.ofArray64 shape [| for i in 1 .. Array.reduce (*) shape -> float i |]
                (y * w).Sum().Backward()
                Expect.equal (x.Grad.ToDoubleArray()) (TestData.nums (c.GetProperty "grad")) (label + ": gradient")
            Expect.equal longer 5 "five of the twelve cases have a longer output than floor mode"
    ]
