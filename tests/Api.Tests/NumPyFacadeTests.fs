/// The NumPy/SciPy/scikit-learn facade returns what the F# compat modules return, with C# shapes.
module NumPyFacadeTests

open System
open Expecto
open Fluxion.Random
open Fluxion.CSharp

[<Tests>]
let tests =
    testList "Api.NumPy" [
        testCase "Convolve, Digitize and Bincount give numpy's values" <| fun () ->
            Expect.equal (NumPy.Convolve([| 1.0; 2.0; 3.0 |], [| 0.0; 1.0; 0.5 |], "same")) [| 1.0; 2.5; 4.0 |] "same"
            Expect.equal (NumPy.Convolve([| 1.0; 2.0; 3.0 |], [| 0.0; 1.0; 0.5 |])) [| 0.0; 1.0; 2.5; 4.0; 1.5 |] "full by default"
            Expect.equal (NumPy.Convolve([| 1L; 2L; 3L; 4L |], [| 1L; 2L; 3L |])) [| 1L; 4L; 10L; 16L; 17L; 12L |] "integers"
            Expect.equal (NumPy.Digitize([| 1.0; 3.0; 12.0 |], [| 1.0; 3.0; 5.0 |])) [| 1L; 2L; 3L |] "digitize"
            Expect.equal (NumPy.Digitize([| 1.0; 3.0 |], [| 1.0; 3.0; 5.0 |], right = true)) [| 0L; 1L |] "digitize right"
            Expect.equal (NumPy.Bincount([| 0L; 2L; 2L |], minlength = 4)) [| 1L; 0L; 2L; 0L |] "bincount"

        testCase "a RandomState seeded like np.random.RandomState(0) draws numpy's values" <| fun () ->
            let rs = NumpyRandomState(0L)
            // np.random.seed(0); np.random.uniform(0, 8) has bit pattern 0x40118fe1565f12a8
            Expect.equal (BitConverter.DoubleToInt64Bits(rs.Uniform(0.0, 8.0))) 0x40118fe1565f12a8L "uniform(0, 8)"

        testCase "FindPeaks returns indices and heights; a 2-D array is refused with scipy's message" <| fun () ->
            let r = SciPy.Signal.FindPeaks([| 0.0; 0.5; 0.0; 0.9; 0.0; 0.0; 0.0; 0.45; 0.0 |], height = 0.4, distance = 3.0)
            Expect.equal r.Peaks [| 3L; 7L |] "peaks"
            Expect.equal r.PeakHeights [| 0.9; 0.45 |] "heights"
            Expect.isNull r.PlateauSizes "no plateau sizes unless asked"
            let ex = Expect.throwsC (fun () -> SciPy.Signal.FindPeaks(Array2D.zeroCreate<float> 2 2) |> ignore) id
            Expect.stringContains ex.Message "`x` must be a 1-D array" "message"

        testCase "MakeBlobs with a seed and ConfusionMatrix" <| fun () ->
            let struct (x, y) = Sklearn.MakeBlobs(10, array2D [ [ -3.0; -3.0 ] ], 0.7, randomState = Nullable 1L)
            Expect.equal (Array2D.length1 x, Array2D.length2 x) (10, 2) "shape"
            Expect.equal y (Array.zeroCreate 10) "one cluster"
            let cm = Sklearn.ConfusionMatrix([| 0L; 1L; 1L |], [| 0L; 0L; 1L |])
            Expect.equal [ cm[0, 0]; cm[0, 1]; cm[1, 0]; cm[1, 1] ] [ 1L; 0L; 1L; 1L ] "counts"

        testCase "EvalPrf matches the course's example" <| fun () ->
            let struct (p, r, f, cr, cp) = PeakEvaluation.EvalPrf([| 1L; 5L |], [| 2L; 9L |], 1)
            Expect.equal (p, r, f, cr, cp) (0.5, 0.5, 0.5, true, true) "eval_PRF([1, 5], [2, 9], 1)"
    ]
