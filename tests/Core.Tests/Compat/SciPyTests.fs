module Compat.SciPyTests

open System
open System.Text.Json
open Expecto
open Fluxion.Compat
open Compat.CompatTestUtil

let private cases () = (TestData.json "compat_scipy.json").GetProperty("cases").EnumerateArray() |> Seq.toList

let private bound (c: JsonElement) (name: string) =
    match c.TryGetProperty name with
    | true, e when e.ValueKind = JsonValueKind.Array -> Nullable(e[0].GetDouble()), Nullable(e[1].GetDouble())
    | true, e when e.ValueKind = JsonValueKind.True -> Nullable 1.0, Nullable()
    | true, e -> Nullable(e.GetDouble()), Nullable()
    | _ -> Nullable(), Nullable()

[<Tests>]
let tests =
    testList "Compat.SciPy" [
        testCase "find_peaks matches scipy: flat peaks, edge plateaus, NaNs, height ranges, distance ties, the course's curves" <| fun () ->
            let all = cases ()
            for c in all do
                let x = hexDoubles (c.GetProperty "x")
                let hMin, hMax = bound c "height"
                let pMin, pMax = bound c "plateau_size"
                let options =
                    { SciPy.FindPeaksOptions.None with
                        HeightMin = hMin
                        HeightMax = hMax
                        Distance = fst (bound c "distance")
                        PlateauSizeMin = pMin
                        PlateauSizeMax = pMax }
                let r = SciPy.findPeaksWith options x
                let name = c.GetProperty("name").GetString()
                Expect.equal r.Peaks (int64s (c.GetProperty "peaks")) (name + ": peaks")
                match c.TryGetProperty "peak_heights" with
                | true, h -> equalBits r.PeakHeights (hexDoubles h) (name + ": peak_heights")
                | _ -> Expect.isNull r.PeakHeights (name + ": no heights without a height condition")
                for key, got in [ "plateau_sizes", r.PlateauSizes; "left_edges", r.LeftEdges; "right_edges", r.RightEdges ] do
                    match c.TryGetProperty key with
                    | true, e -> Expect.equal got (int64s e) (name + ": " + key)
                    | _ -> Expect.isNull got (name + ": no " + key)
            Expect.isGreaterThan all.Length 100 "enough cases"

        testCase "flat peak middles round down; a plateau running into either edge is no peak" <| fun () ->
            let r = SciPy.findPeaksWith { SciPy.FindPeaksOptions.None with ReportPlateaus = true } [| 2.0; 2.0; 1.0; 3.0; 3.0; 0.0; 4.0; 4.0 |]
            Expect.equal r.Peaks [| 3L |] "only the inner plateau, index (3 + 4) / 2"
            Expect.equal r.PlateauSizes [| 2L |] "its size"

        testCase "the course's call keeps the higher of two close peaks and reports heights" <| fun () ->
            let r = SciPy.findPeaks [| 0.0; 0.5; 0.0; 0.9; 0.0; 0.0; 0.0; 0.45; 0.0 |] 0.4 3.0
            Expect.equal r.Peaks [| 3L; 7L |] "0.5 at 1 is within 3 of 0.9 at 3"
            Expect.equal r.PeakHeights [| 0.9; 0.45 |] "heights"

        testCase "argsort keeps numpy's order among equal values" <| fun () ->
            for c in (TestData.json "compat_numpy.json").GetProperty("argsort").EnumerateArray() do
                let v = hexDoubles (c.GetProperty "v")
                Expect.equal (SciPy.argsort v) (int64s (c.GetProperty "out")) (sprintf "argsort of %d" v.Length)

        testCase "bad input: 2-D arrays and distance below 1 raise scipy's messages" <| fun () ->
            throwsWith<ArgumentException> (fun () -> SciPy.findPeaks2D (Array2D.zeroCreate 2 3) |> ignore) "`x` must be a 1-D array" "2-D"
            throwsWith<ArgumentOutOfRangeException> (fun () -> SciPy.findPeaks [| 0.0; 1.0; 0.0 |] 0.0 0.5 |> ignore) "`distance` must be greater or equal to 1" "distance"
    ]
