module Compat.SklearnTests

open System
open System.Text.Json
open Expecto
open Fluxion.Compat
open Fluxion.Random
open Compat.CompatTestUtil

let private doc () = TestData.json "compat_sklearn.json"

let private flat (a: float[,]) = [| for i in 0 .. Array2D.length1 a - 1 do for j in 0 .. Array2D.length2 a - 1 -> a[i, j] |]

let private rows (e: JsonElement) =
    let r = [| for row in e.EnumerateArray() -> [| for v in row.EnumerateArray() -> v.GetDouble() |] |]
    Array2D.init r.Length r[0].Length (fun i j -> r[i][j])

/// Runs one recorded make_blobs call with sklearn's defaults for the arguments it left out.
let private blobsOf (c: JsonElement) =
    let opt (name: string) = match c.TryGetProperty name with | true, e -> Some e | _ -> None
    let samples =
        let e = c.GetProperty "n_samples"
        if e.ValueKind = JsonValueKind.Array then Sklearn.BlobSamples.PerCenter [| for v in e.EnumerateArray() -> v.GetInt32() |]
        else Sklearn.BlobSamples.Total(e.GetInt32())
    let centers =
        match opt "centers" with
        | Some e when e.ValueKind = JsonValueKind.Array -> Sklearn.BlobCenters.Given(rows e)
        | Some e -> Sklearn.BlobCenters.Count(e.GetInt32())
        | None -> Sklearn.BlobCenters.Count 3
    let std =
        match opt "cluster_std" with
        | Some e when e.ValueKind = JsonValueKind.Array -> [| for v in e.EnumerateArray() -> v.GetDouble() |]
        | Some e -> [| e.GetDouble() |]
        | None -> [| 1.0 |]
    let box = match opt "center_box" with | Some e -> e[0].GetDouble(), e[1].GetDouble() | None -> -10.0, 10.0
    let nFeatures = match opt "n_features" with | Some e -> e.GetInt32() | None -> 2
    let shuffle = match opt "shuffle" with | Some e -> e.GetBoolean() | None -> true
    Sklearn.makeBlobs samples nFeatures centers std box shuffle (NumpyRandomState(c.GetProperty("random_state").GetInt64()))

[<Tests>]
let tests =
    testList "Compat.Sklearn" [
        testCase "make_blobs matches sklearn 1.2 bit for bit (drawn and given centers, per-center counts and stds, no shuffle)" <| fun () ->
            for c in (doc ()).GetProperty("make_blobs").EnumerateArray() do
                let b = blobsOf c
                let what = label c
                Expect.equal [| Array2D.length1 b.X; Array2D.length2 b.X |] [| for v in c.GetProperty("shape").EnumerateArray() -> v.GetInt32() |] (what + " shape")
                equalBits (flat b.X) (hexDoubles (c.GetProperty "X")) (what + " X")
                Expect.equal b.Y (int64s (c.GetProperty "y")) (what + " y")
                equalBits (flat b.Centers) (hexDoubles (c.GetProperty "centers_out")) (what + " centers")

        testCase "the course's point cloud: randn draws then make_blobs on the same global state" <| fun () ->
            let pc = (doc ()).GetProperty "pointcloud"
            let rs = NumpyRandomState(pc.GetProperty("seed").GetInt64())
            let n = pc.GetProperty("n").GetInt32()
            for expected in pc.GetProperty("spiral_noise").EnumerateArray() do
                equalBits (rs.Randn n |> Array.map (fun v -> v * 0.15)) (hexDoubles expected) "spiral noise"
            let b = Sklearn.makeBlobs (Sklearn.BlobSamples.Total n) 2 (Sklearn.BlobCenters.Given(array2D [ [ -3.0; -3.0 ] ])) [| 0.7 |] (-10.0, 10.0) true rs
            equalBits (flat b.X) (hexDoubles (pc.GetProperty "blob")) "blob"
            Expect.equal b.Y (int64s (pc.GetProperty "y")) "labels"

        testCase "confusion_matrix matches sklearn with and without labels" <| fun () ->
            for c in (doc ()).GetProperty("confusion_matrix").EnumerateArray() do
                let labels =
                    match c.GetProperty "labels" with
                    | e when e.ValueKind = JsonValueKind.Null -> None
                    | e -> Some(int64s e)
                let cm = Sklearn.confusionMatrix (int64s (c.GetProperty "y_true")) (int64s (c.GetProperty "y_pred")) labels
                let expected = [| for row in c.GetProperty("out").EnumerateArray() -> int64s row |]
                let got = [| for i in 0 .. Array2D.length1 cm - 1 -> [| for j in 0 .. Array2D.length2 cm - 1 -> cm[i, j] |] |]
                Expect.equal got expected (label c)

        testCase "confusion_matrix rejects bad input with sklearn's messages" <| fun () ->
            throwsWith<ArgumentException> (fun () -> Sklearn.confusionMatrix [| 1L; 2L |] [| 1L |] None |> ignore) "Found input variables with inconsistent numbers of samples: [2, 1]" "lengths"
            throwsWith<ArgumentException> (fun () -> Sklearn.confusionMatrix [| 1L |] [| 1L |] (Some [| 5L |]) |> ignore) "At least one label specified must be in y_true" "labels"
            throwsWith<ArgumentException> (fun () -> Sklearn.confusionMatrix [| 1L |] [| 1L |] (Some [||]) |> ignore) "'labels' should contains at least one label." "no labels"

        testCase "eval_PRF and mean_PRF match the course's functions bit for bit" <| fun () ->
            let d = doc ()
            let scores =
                [| for c in d.GetProperty("eval_prf").EnumerateArray() ->
                       let s = Evaluation.evalPRF (int64s (c.GetProperty "ref")) (int64s (c.GetProperty "pred")) (c.GetProperty("tolerance").GetInt32())
                       let what = label c
                       equalBits [| s.Precision; s.Recall; s.FMeasure |] [| for k in [ "P"; "R"; "F" ] -> hexDouble (c.GetProperty k) |] what
                       Expect.equal (s.CondRef, s.CondPred) (c.GetProperty("cond_ref").GetBoolean(), c.GetProperty("cond_pred").GetBoolean()) (what + " conditions")
                       s |]
            let m = Evaluation.meanPRF scores
            let e = d.GetProperty "mean_prf"
            equalBits [| m.Precision; m.Recall; m.FMeasure |] [| for k in [ "P"; "R"; "F" ] -> hexDouble (e.GetProperty k) |] "means"
            Expect.equal (m.CondRef, m.CondPred) (e.GetProperty("cond_ref").GetBoolean(), e.GetProperty("cond_pred").GetBoolean()) "mean conditions"
    ]
