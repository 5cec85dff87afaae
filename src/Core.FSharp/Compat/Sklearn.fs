/// scikit-learn 1.2's make_blobs and confusion_matrix as the course calls them, bit for bit.
module Fluxion.Compat.Sklearn

open System
open Fluxion.Random

/// make_blobs's centers argument.
[<RequireQualifiedAccess>]
type BlobCenters =
    /// This many centers drawn uniformly from center_box (centers=int; sklearn's default is 3).
    | Count of int
    /// Given centers, one row each (centers=array of shape (n_centers, n_features)).
    | Given of float[,]

/// make_blobs's samples argument.
[<RequireQualifiedAccess>]
type BlobSamples =
    /// This many samples in all, split evenly with the remainder going to the first centers.
    | Total of int
    /// This many samples for each center.
    | PerCenter of int[]

/// What make_blobs returns: the points (rows), their center index and the centers used.
type Blobs =
    { /// The samples, shape (n_samples, n_features).
      X: float[,]
      /// The center index of each sample.
      Y: int64[]
      /// The centers (drawn or given), shape (n_centers, n_features).
      Centers: float[,] }

/// sklearn.datasets.make_blobs(n_samples, n_features, centers, cluster_std, center_box, shuffle, random_state)
/// drawing from random (pass NumpyRandomState.Default for random_state=None, or a NumpyRandomState(seed) for an int).
/// clusterStd holds one value for all centers or one per center.
let makeBlobs
    (samples: BlobSamples)
    (nFeatures: int)
    (centers: BlobCenters)
    (clusterStd: float[])
    (centerBox: float * float)
    (shuffle: bool)
    (random: NumpyRandomState)
    : Blobs =
    if isNull clusterStd then nullArg "clusterStd"
    if isNull random then nullArg "random"
    let drawCenters nCenters =
        if nFeatures < 1 then
            raise (ArgumentOutOfRangeException("nFeatures", nFeatures, "make_blobs: n_features must be at least 1."))
        let lo, hi = centerBox
        let flat = random.Uniform(lo, hi, nCenters * nFeatures)
        Array2D.init nCenters nFeatures (fun i j -> flat[i * nFeatures + j])
    let centersArr =
        match samples, centers with
        | BlobSamples.Total _, BlobCenters.Count c ->
            if c < 1 then raise (ArgumentOutOfRangeException("centers", c, "make_blobs: centers must be at least 1."))
            drawCenters c
        | BlobSamples.PerCenter counts, BlobCenters.Count _ when isNull counts -> nullArg "samples"
        | BlobSamples.PerCenter counts, BlobCenters.Count _ -> drawCenters counts.Length
        | _, BlobCenters.Given g ->
            if isNull g then nullArg "centers"
            Array2D.copy g
    let nCenters = Array2D.length1 centersArr
    let nFeat = Array2D.length2 centersArr
    let counts =
        match samples with
        | BlobSamples.Total n ->
            if n < 0 then raise (ArgumentOutOfRangeException("samples", n, "make_blobs: n_samples must be non-negative."))
            Array.init nCenters (fun i -> n / nCenters + (if i < n % nCenters then 1 else 0))
        | BlobSamples.PerCenter c ->
            if c.Length <> nCenters then
                raise (ArgumentException($"Length of `n_samples` not consistent with number of centers. Got n_samples = %d{c.Length} counts and %d{nCenters} centers.", "samples"))
            Array.copy c
    let stds =
        if clusterStd.Length = 1 then Array.create nCenters clusterStd[0]
        elif clusterStd.Length = nCenters then clusterStd
        else
            raise (ArgumentException($"Length of `clusters_std` not consistent with number of centers. Got %d{nCenters} centers and %d{clusterStd.Length} values of cluster_std.", "clusterStd"))
    let total = Array.sum counts
    let x = Array2D.zeroCreate total nFeat
    let y = Array.zeroCreate total
    let mutable start = 0
    for i in 0 .. nCenters - 1 do
        let part = random.Normal(Array.init nFeat (fun j -> centersArr[i, j]), stds[i], counts[i])
        for r in 0 .. counts[i] - 1 do
            for c in 0 .. nFeat - 1 do
                x[start + r, c] <- part[r, c]
            y[start + r] <- int64 i
        start <- start + counts[i]
    if shuffle then
        // sklearn.utils.shuffle: permute arange(n) with the same generator, then index every array.
        let order = Array.init total id
        random.Shuffle order
        let xs = Array2D.init total nFeat (fun r c -> x[order[r], c])
        { X = xs; Y = Array.map (fun i -> y[i]) order; Centers = centersArr }
    else
        { X = x; Y = y; Centers = centersArr }

/// sklearn.metrics.confusion_matrix(y_true, y_pred, labels): entry [i, j] counts samples of label i predicted as j;
/// labels default to the sorted union of both inputs, and pairs with a label outside labels are skipped.
let confusionMatrix (yTrue: int64[]) (yPred: int64[]) (labels: int64[] option) : int64[,] =
    if isNull yTrue then nullArg "yTrue"
    if isNull yPred then nullArg "yPred"
    if yTrue.Length <> yPred.Length then
        raise (ArgumentException($"Found input variables with inconsistent numbers of samples: [%d{yTrue.Length}, %d{yPred.Length}]", "yPred"))
    let labels =
        match labels with
        | Some l ->
            if isNull l then nullArg "labels"
            if l.Length = 0 then raise (ArgumentException("'labels' should contains at least one label.", "labels"))
            l
        | None -> Array.append yTrue yPred |> Array.distinct |> Array.sort
    let n = labels.Length
    let cm = Array2D.zeroCreate n n
    if yTrue.Length = 0 then cm
    else
        // Later duplicates of a label win, as in sklearn's {label: index} dict.
        let index = Collections.Generic.Dictionary<int64, int>()
        labels |> Array.iteri (fun i l -> index[l] <- i)
        if not (yTrue |> Array.exists index.ContainsKey) then
            raise (ArgumentException("At least one label specified must be in y_true", "labels"))
        for k in 0 .. yTrue.Length - 1 do
            match index.TryGetValue yTrue[k], index.TryGetValue yPred[k] with
            | (true, i), (true, j) -> cm[i, j] <- cm[i, j] + 1L
            | _ -> ()
        cm
