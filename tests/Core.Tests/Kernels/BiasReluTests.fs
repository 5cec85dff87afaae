module KernelsBiasReluTests

open System
open Expecto
open Fluxion.Kernels
open KernelsData

/// Inputs with every relu edge (NaN, ±0, ±∞, subnormal, ties at zero after the bias) in rows of 11: one 8-lane
/// vector and a 3-element tail per row.
let private edgeRows =
    [| nanf; -0.0f; 0.0f; -1.5f; 2.25f; 1.0e-40f; -infinityf; infinityf; -3.0f; 0.5f; -0.0f
       0.75f; -0.75f; 4.0f; -4.0f; 1.0e-3f; -1.0e-3f; 100.0f; -100.0f; 0.25f; -0.25f; nanf
       3.0f; -2.0f; -0.5f; 1.0f; 1.0e30f; -1.0e30f; 0.0f; 7.0f; -7.0f; 0.125f; 6.0f |]

let private edgeBias = [| 1.0f; 0.0f; -0.0f; 1.5f; -2.25f; 0.0f; 1.0f; -1.0f; 3.0f; -0.5f; -0.0f |]

/// relu(x) as the scalar kernels compute it: x where x > 0 or NaN, else +0.
let private relu (x: float32) = if x > 0.0f || Single.IsNaN x then x else 0.0f

[<Tests>]
let tests =
    testList "Kernels.BiasRelu" [
        testCase "addRows adds the bias to every row, one rounding per element" <| fun () ->
            let y = Array.copy edgeRows
            BiasRelu.addRows y edgeBias
            arr32 "addRows" (Array.init y.Length (fun i -> edgeRows[i] + edgeBias[i % 11])) y

        testCase "addRowsRelu is relu of the rounded sum: NaN passes, -0 and negatives give +0" <| fun () ->
            let y = Array.copy edgeRows
            BiasRelu.addRowsRelu y edgeBias
            arr32 "addRowsRelu" (Array.init y.Length (fun i -> relu (edgeRows[i] + edgeBias[i % 11]))) y
            // (-0) + (-0) = -0 at row 0, column 10.
            Expect.equal (BitConverter.SingleToInt32Bits y[10]) 0 "-0 gives +0"
            Expect.isTrue (Single.IsNaN y[0]) "NaN passes"

        testCase "rows narrower than a vector (1 to 7 outputs) take the same add and relu, tiled flat, with every tail length" <| fun () ->
            let rng = Random 5
            let pool = Array.append edgeRows [| for _ in 1 .. 64 -> float32 (rng.NextDouble() * 4.0 - 2.0) |]
            for n in 1 .. 7 do
                for rows in [ 1; 2; 3; 7; 8; 9; 13; 40; 100 ] do
                    let y0 = Array.init (rows * n) (fun _ -> pool[rng.Next pool.Length])
                    let b = Array.init n (fun _ -> edgeBias[rng.Next edgeBias.Length])
                    let y = Array.copy y0
                    BiasRelu.addRows y b
                    arr32 (sprintf "addRows n=%d rows=%d" n rows) (Array.init y.Length (fun i -> y0[i] + b[i % n])) y
                    let y = Array.copy y0
                    BiasRelu.addRowsRelu y b
                    arr32 (sprintf "addRowsRelu n=%d rows=%d" n rows) (Array.init y.Length (fun i -> relu (y0[i] + b[i % n]))) y

        testCase "reluInPlace keeps positives and NaN, zeroes the rest to +0" <| fun () ->
            let y = Array.copy edgeRows
            BiasRelu.reluInPlace y
            arr32 "relu" (Array.map relu edgeRows) y
            Expect.equal (BitConverter.SingleToInt32Bits y[1]) 0 "relu(-0) = +0"

        testCase "reluMask passes the gradient where the output is positive or NaN and writes +0 elsewhere" <| fun () ->
            let y = Array.map relu edgeRows
            let g = Array.init y.Length (fun i -> if i = 4 then nanf else float32 (i + 1) * -0.5f)
            let dst = Array.create y.Length 99.0f
            BiasRelu.reluMask y g dst
            arr32 "mask" (Array.init y.Length (fun i -> if y[i] > 0.0f || Single.IsNaN y[i] then g[i] else 0.0f)) dst
            Expect.isTrue (Single.IsNaN dst[4]) "a NaN gradient at a positive output passes"
            Expect.equal (BitConverter.SingleToInt32Bits dst[1]) 0 "masked elements are +0"

        testCase "a bias that does not tile the rows is rejected with both lengths in the message" <| fun () ->
            let ex = Expect.throwsC (fun () -> BiasRelu.addRowsRelu (Array.zeroCreate 10) (Array.zeroCreate 3)) id
            Expect.stringContains ex.Message "BiasRelu.addRowsRelu: a row of 3 elements does not tile an array of 10" "message"
            let ex2 = Expect.throwsC (fun () -> BiasRelu.reluMask (Array.zeroCreate 4) (Array.zeroCreate 5) (Array.zeroCreate 4)) id
            Expect.stringContains ex2.Message "got 4, 5 and 4" "message"
    ]
