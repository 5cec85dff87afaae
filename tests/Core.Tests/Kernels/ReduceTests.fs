module KernelsReduceTests

open System
open Expecto
open Fluxion.Kernels
open KernelsData

let private sumMeanCases =
    [ for c in (TestData.json "reductions_losses.json").GetProperty("sum_mean").EnumerateArray() ->
        c.GetProperty("n").GetInt32(), hex32 (c.GetProperty "x"), (one32 (c.GetProperty "sum")), (one32 (c.GetProperty "mean")) ]

/// Plain double-precision sum, the yardstick for the property tests.
let private doubleSum (x: float32[]) =
    let mutable s = 0.0
    for v in x do s <- s + float v
    s

[<Tests>]
let tests =
    testList "Kernels.Reduce" [
        testCase "sum32 and mean32 match torch bit for bit for every length of reductions_losses.json" <| fun () ->
            Expect.equal sumMeanCases.Length 28 "case count"
            for (n, x, s, m) in sumMeanCases do
                Expect.equal x.Length n "length"
                bits32 (sprintf "sum n=%d" n) s (Reduce.sum32 (ReadOnlySpan x))
                bits32 (sprintf "mean n=%d" n) m (Reduce.mean32 (ReadOnlySpan x))

        testCase "sum32 differs from a naive left-to-right loop on torch's data (the cascade matters)" <| fun () ->
            let differing =
                sumMeanCases |> List.filter (fun (_, x, s, _) ->
                    let mutable acc = 0.0f
                    for v in x do acc <- acc + v
                    BitConverter.SingleToInt32Bits acc <> BitConverter.SingleToInt32Bits s)
            Expect.isGreaterThan differing.Length 5 "naive summation should disagree with torch on several cases"

        testCase "sum64 and mean64 match torch float64 (4-lane cascade) bit for bit" <| fun () ->
            let cases = extra.Force().GetProperty("sum64")
            for c in cases.EnumerateArray() do
                let n = c.GetProperty("n").GetInt32()
                let x = hex64 (c.GetProperty "x")
                bits64 (sprintf "sum64 n=%d" n) (one64 (c.GetProperty "sum")) (Reduce.sum64 (ReadOnlySpan x))
                bits64 (sprintf "mean64 n=%d" n) (one64 (c.GetProperty "mean")) (Reduce.mean64 (ReadOnlySpan x))

        testCase "sumRows/sumCols (dim 0 / dim -1) match torch for (R,C) shapes in float32 and float64" <| fun () ->
            for c in extra.Force().GetProperty("sum_dim").EnumerateArray() do
                let r = c.GetProperty("rows").GetInt32()
                let k = c.GetProperty("cols").GetInt32()
                let tag = sprintf "(%d,%d) %s" r k (c.GetProperty("dtype").GetString())
                if c.GetProperty("dtype").GetString() = "float32" then
                    let x = hex32 (c.GetProperty "x")
                    let s0 = Array.zeroCreate k
                    Reduce.sumRows32 (ReadOnlySpan x) r k (Span s0)
                    arr32 (tag + " sum0") (hex32 (c.GetProperty "sum0")) s0
                    arr32 (tag + " mean0") (hex32 (c.GetProperty "mean0")) (s0 |> Array.map (fun v -> v / float32 r))
                    let s1 = Array.zeroCreate r
                    Reduce.sumCols32 (ReadOnlySpan x) r k (Span s1)
                    arr32 (tag + " sum1") (hex32 (c.GetProperty "sum1")) s1
                    arr32 (tag + " mean1") (hex32 (c.GetProperty "mean1")) (s1 |> Array.map (fun v -> v / float32 k))
                else
                    let x = hex64 (c.GetProperty "x")
                    let s0 = Array.zeroCreate k
                    Reduce.sumRows64 (ReadOnlySpan x) r k (Span s0)
                    arr64 (tag + " sum0") (hex64 (c.GetProperty "sum0")) s0
                    let s1 = Array.zeroCreate r
                    Reduce.sumCols64 (ReadOnlySpan x) r k (Span s1)
                    arr64 (tag + " sum1") (hex64 (c.GetProperty "sum1")) s1

        testCase "sumRows matches torch on tall blocks (bias gradients of 1024 and 70000 rows, every cascade level)" <| fun () ->
            let cases = (TestData.json "sum_rows_large.json").GetProperty("cases").EnumerateArray() |> Array.ofSeq
            Expect.equal cases.Length 7 "case count"
            for c in cases do
                let r = c.GetProperty("rows").GetInt32()
                let k = c.GetProperty("cols").GetInt32()
                let value (i: int) = float ((i / k * 131 + i % k * 71) % 997 - 498) / 997.0
                let tag = sprintf "(%d,%d) %s" r k (c.GetProperty("dtype").GetString())
                if c.GetProperty("dtype").GetString() = "float32" then
                    let x = Array.init (r * k) (fun i -> float32 (value i))
                    let s0 = Array.zeroCreate k
                    Reduce.sumRows32 (ReadOnlySpan x) r k (Span s0)
                    arr32 tag (hex32 (c.GetProperty "sum0")) s0
                else
                    let x = Array.init (r * k) value
                    let s0 = Array.zeroCreate k
                    Reduce.sumRows64 (ReadOnlySpan x) r k (Span s0)
                    arr64 tag (hex64 (c.GetProperty "sum0")) s0

        testCase "sumRows32's row_sum columns, eight at a time in vector lanes, equal the scalar row_sum of each column" <| fun () ->
            let rng = Random 17
            for cols in [ 2; 3; 5; 6; 7; 9; 10; 15; 16; 17; 31 ] do
                for rows in [ 2; 3; 4; 5; 7; 8; 16; 17; 63; 64; 65; 100; 257 ] do
                    let x = Array.init (rows * cols) (fun i -> if i % 11 = 0 then -0.0f else float32 (rng.NextDouble() * 2e3 - 1e3) * (if i % 7 = 0 then 1e-6f else 1.0f))
                    let dst = Array.zeroCreate<float32> cols
                    Reduce.sumRows32 (ReadOnlySpan x) rows cols (Span dst)
                    // Columns below `multi` take multi_row_sum (checked against torch above); the rest row_sum.
                    let multi = if cols >= 8 then cols / 32 * 32 else cols / 4 * 4
                    for j in multi .. cols - 1 do
                        bits32 (sprintf "(%d, %d) column %d" rows cols j) (Reduce.sumStrided32 x j rows cols) dst[j]

        testCase "sumStrided32 over the last column of a (100,3) block equals torch's sum(dim=0)" <| fun () ->
            let c = extra.Force().GetProperty("sum_dim").EnumerateArray() |> Seq.find (fun c ->
                        c.GetProperty("rows").GetInt32() = 100 && c.GetProperty("cols").GetInt32() = 3 && c.GetProperty("dtype").GetString() = "float32")
            let x = hex32 (c.GetProperty "x")
            let expected = hex32 (c.GetProperty "sum0")
            for j in 0 .. 2 do bits32 (sprintf "column %d" j) expected[j] (Reduce.sumStrided32 x j 100 3)

        testCase "sumStrided32 with stride 1 is sum32 of the slice" <| fun () ->
            let (_, x, _, _) = sumMeanCases |> List.find (fun (n, _, _, _) -> n = 1000)
            bits32 "slice" (Reduce.sum32 (ReadOnlySpan(x, 7, 300))) (Reduce.sumStrided32 x 7 300 1)

        testCase "sum32, sum64 and sumStrided32 allocate nothing on tiny inputs" <| fun () ->
            let x = Array.init 300 (fun i -> float32 i * 0.37f)
            let y = Array.init 300 (fun i -> float i * 0.37)
            Reduce.sum32 (ReadOnlySpan x) |> ignore
            Reduce.sum64 (ReadOnlySpan y) |> ignore
            Reduce.sumStrided32 x 1 99 3 |> ignore
            let before = GC.GetAllocatedBytesForCurrentThread()
            let mutable acc = 0.0
            for n in 1 .. 300 do
                acc <- acc + float (Reduce.sum32 (ReadOnlySpan(x, 0, n))) + Reduce.sum64 (ReadOnlySpan(y, 0, n))
                acc <- acc + float (Reduce.sumStrided32 x 0 (n / 3) 3)
            let allocated = GC.GetAllocatedBytesForCurrentThread() - before
            Expect.equal allocated 0L "bytes allocated by 900 reductions"
            Expect.isGreaterThan acc 0.0 "reductions ran"

        testCase "sumStrided32 rejects a range running past the array" <| fun () ->
            Expect.throwsT<ArgumentException> (fun () -> Reduce.sumStrided32 (Array.zeroCreate 10) 1 4 3 |> ignore) "out of range"

        testProperty "sum32 stays within a tight relative error of a double sum" <| fun (seed: int) ->
            let rng = Random(seed)
            let n = 1 + rng.Next 3000
            let x = Array.init n (fun _ -> float32 (rng.NextDouble() * 2.0 - 0.5))
            let exact = doubleSum x
            let abssum = x |> Array.sumBy (fun v -> abs (float v))
            let err = abs (float (Reduce.sum32 (ReadOnlySpan x)) - exact)
            // 64 unit roundoffs of sum|x|: far below the n-fold bound of a naive loop for large n.
            err <= 64.0 * 5.96e-8 * abssum
    ]
