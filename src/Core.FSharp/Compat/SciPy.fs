/// SciPy 1.10's scipy.signal.find_peaks (height, distance and plateau-size conditions), bit for bit.
module Fluxion.Compat.SciPy

open System

/// The conditions of find_peaks; null leaves a bound out, as None does in SciPy.
type FindPeaksOptions =
    { /// Minimal peak height (height=min, or the first of (min, max)).
      HeightMin: Nullable<float>
      /// Maximal peak height (the second of height=(min, max)).
      HeightMax: Nullable<float>
      /// Minimal horizontal distance between kept peaks (>= 1); lower peaks within it are dropped.
      Distance: Nullable<float>
      /// Minimal plateau size (plateau_size=True means 1 and only asks for the plateau properties).
      PlateauSizeMin: Nullable<float>
      /// Maximal plateau size.
      PlateauSizeMax: Nullable<float>
      /// Report plateau_sizes, left_edges and right_edges (SciPy does when plateau_size is given).
      ReportPlateaus: bool }

    /// No condition: every local maximum.
    static member None =
        { HeightMin = Nullable()
          HeightMax = Nullable()
          Distance = Nullable()
          PlateauSizeMin = Nullable()
          PlateauSizeMax = Nullable()
          ReportPlateaus = false }

/// What find_peaks returns: the peak indices and the properties the conditions computed.
type FindPeaksResult =
    { /// Indices of the kept peaks (the middle of a plateau, rounded down).
      Peaks: int64[]
      /// x at each kept peak (present when a height condition was given).
      PeakHeights: float[]
      /// Plateau lengths (present when plateau sizes were asked for).
      PlateauSizes: int64[]
      /// First index of each plateau.
      LeftEdges: int64[]
      /// Last index of each plateau.
      RightEdges: int64[] }

// scipy.signal._peak_finding_utils._local_maxima_1d: strict rise, optional flat top, strict fall.
let private localMaxima (x: float[]) =
    let mids = ResizeArray<int64>()
    let lefts = ResizeArray<int64>()
    let rights = ResizeArray<int64>()
    let iMax = x.Length - 1
    let mutable i = 1
    while i < iMax do
        if x[i - 1] < x[i] then
            let mutable ahead = i + 1
            while ahead < iMax && x[ahead] = x[i] do ahead <- ahead + 1
            if x[ahead] < x[i] then
                lefts.Add(int64 i)
                rights.Add(int64 (ahead - 1))
                mids.Add(int64 ((i + ahead - 1) / 2))
                i <- ahead
        i <- i + 1
    mids.ToArray(), lefts.ToArray(), rights.ToArray()

let inline private npLess (a: float) (b: float) = a < b || (b <> b && a = a)

// NumPy 1.24's default argsort for float64 (introsort: median-of-3 quicksort, insertion sort up to 16 elements,
// heapsort past the depth limit). It is not stable, and find_peaks's tie-breaking between equal heights follows it.
let private argsortQuick (v: float[]) : int[] =
    let idx = Array.init v.Length id
    let num = v.Length
    let swap a b =
        let t = idx[a]
        idx[a] <- idx[b]
        idx[b] <- t
    let heapsort (start: int) (n: int) =
        // 1-based heap over idx[start .. start + n - 1]
        let a k = idx[start + k - 1]
        let set k value = idx[start + k - 1] <- value
        let mutable l = n >>> 1
        while l > 0 do
            let tmp = a l
            let mutable i = l
            let mutable j = l <<< 1
            let mutable go = true
            while go && j <= n do
                if j < n && npLess v[a j] v[a (j + 1)] then j <- j + 1
                if npLess v[tmp] v[a j] then
                    set i (a j)
                    i <- j
                    j <- j + j
                else go <- false
            set i tmp
            l <- l - 1
        let mutable n = n
        while n > 1 do
            let tmp = a n
            set n (a 1)
            n <- n - 1
            let mutable i = 1
            let mutable j = 2
            let mutable go = true
            while go && j <= n do
                if j < n && npLess v[a j] v[a (j + 1)] then j <- j + 1
                if npLess v[tmp] v[a j] then
                    set i (a j)
                    i <- j
                    j <- j + j
                else go <- false
            set i tmp
    if num > 1 then
        let msb (n: int) =
            let mutable n = n
            let mutable d = 0
            n <- n >>> 1
            while n > 0 do
                n <- n >>> 1
                d <- d + 1
            d
        let stack = Collections.Generic.Stack<struct (int * int * int)>()
        let mutable pl = 0
        let mutable pr = num - 1
        let mutable cdepth = msb num * 2
        let mutable fin = false
        while not fin do
            let mutable skipInsertion = false
            if cdepth < 0 then
                heapsort pl (pr - pl + 1)
                skipInsertion <- true
            else
                while pr - pl > 15 do
                    let pm = pl + ((pr - pl) >>> 1)
                    if npLess v[idx[pm]] v[idx[pl]] then swap pm pl
                    if npLess v[idx[pr]] v[idx[pm]] then swap pr pm
                    if npLess v[idx[pm]] v[idx[pl]] then swap pm pl
                    let vp = v[idx[pm]]
                    let mutable pi = pl
                    let mutable pj = pr - 1
                    swap pm pj
                    let mutable go = true
                    while go do
                        pi <- pi + 1
                        while npLess v[idx[pi]] vp do pi <- pi + 1
                        pj <- pj - 1
                        while npLess vp v[idx[pj]] do pj <- pj - 1
                        if pi >= pj then go <- false else swap pi pj
                    swap pi (pr - 1)
                    cdepth <- cdepth - 1
                    if pi - pl < pr - pi then
                        stack.Push(struct (pi + 1, pr, cdepth))
                        pr <- pi - 1
                    else
                        stack.Push(struct (pl, pi - 1, cdepth))
                        pl <- pi + 1
                if not skipInsertion then
                    for pi in pl + 1 .. pr do
                        let vi = idx[pi]
                        let vp = v[vi]
                        let mutable pj = pi
                        while pj > pl && npLess vp v[idx[pj - 1]] do
                            idx[pj] <- idx[pj - 1]
                            pj <- pj - 1
                        idx[pj] <- vi
            if stack.Count = 0 then fin <- true
            else
                let struct (l, r, d) = stack.Pop()
                pl <- l
                pr <- r
                cdepth <- d
    idx

/// NumPy 1.24's np.argsort(v) (default kind) for float64, with its order among equal values.
let argsort (v: float[]) : int64[] =
    if isNull v then nullArg "v"
    argsortQuick v |> Array.map int64

// scipy's _select_by_peak_distance: visit peaks from the highest (argsort order, last first) and drop neighbours.
let private selectByDistance (peaks: int64[]) (priority: float[]) (distance: float) =
    let n = peaks.Length
    let dist = int64 (Math.Ceiling distance)
    let keep = Array.create n true
    let order = argsortQuick priority
    for i in n - 1 .. -1 .. 0 do
        let j = order[i]
        if keep[j] then
            let mutable k = j - 1
            while 0 <= k && peaks[j] - peaks[k] < dist do
                keep[k] <- false
                k <- k - 1
            k <- j + 1
            while k < n && peaks[k] - peaks[j] < dist do
                keep[k] <- false
                k <- k + 1
    keep

let private selectByProperty (values: float[]) (lo: float voption) (hi: float voption) =
    values
    |> Array.map (fun p ->
        (match lo with
         | ValueSome m -> m <= p
         | ValueNone -> true)
        && (match hi with
            | ValueSome m -> p <= m
            | ValueNone -> true))

let private pick (keep: bool[]) (a: 'T[]) = [| for i in 0 .. a.Length - 1 do if keep[i] then yield a[i] |]

let private vopt (v: Nullable<float>) = if v.HasValue then ValueSome v.Value else ValueNone
let private orNull (a: 'T[] option) : 'T[] = match a with Some a -> a | None -> null

/// scipy.signal.find_peaks(x, height, distance, plateau_size) with the conditions in options.
let findPeaksWith (options: FindPeaksOptions) (x: float[]) : FindPeaksResult =
    if isNull x then nullArg "x"
    match vopt options.Distance with
    | ValueSome d when not (d >= 1.0) ->
        raise (ArgumentOutOfRangeException("distance", d, "`distance` must be greater or equal to 1"))
    | _ -> ()
    let peaks0, lefts0, rights0 = localMaxima x
    let mutable peaks = peaks0
    let mutable heights = None
    let mutable sizes = None
    let mutable lefts = None
    let mutable rights = None
    let apply (keep: bool[]) =
        peaks <- pick keep peaks
        heights <- heights |> Option.map (pick keep)
        sizes <- sizes |> Option.map (pick keep)
        lefts <- lefts |> Option.map (pick keep)
        rights <- rights |> Option.map (pick keep)
    if options.ReportPlateaus || options.PlateauSizeMin.HasValue || options.PlateauSizeMax.HasValue then
        let s = Array.map2 (fun r l -> r - l + 1L) rights0 lefts0
        sizes <- Some s
        lefts <- Some lefts0
        rights <- Some rights0
        apply (selectByProperty (Array.map float s) (vopt options.PlateauSizeMin) (vopt options.PlateauSizeMax))
    if options.HeightMin.HasValue || options.HeightMax.HasValue then
        let h = peaks |> Array.map (fun p -> x[int p])
        heights <- Some h
        apply (selectByProperty h (vopt options.HeightMin) (vopt options.HeightMax))
    match vopt options.Distance with
    | ValueSome d -> apply (selectByDistance peaks (peaks |> Array.map (fun p -> x[int p])) d)
    | ValueNone -> ()
    { Peaks = peaks
      PeakHeights = orNull heights
      PlateauSizes = orNull sizes
      LeftEdges = orNull lefts
      RightEdges = orNull rights }

/// find_peaks(x, height=height, distance=distance), the call the course makes; peak_heights is always present.
let findPeaks (x: float[]) (height: float) (distance: float) : FindPeaksResult =
    findPeaksWith
        { FindPeaksOptions.None with
            HeightMin = Nullable height
            Distance = Nullable distance }
        x

/// find_peaks on a 2-D array: always fails, as SciPy does, with SciPy's message.
let findPeaks2D (x: float[,]) : FindPeaksResult =
    if isNull x then nullArg "x"
    raise (ArgumentException("`x` must be a 1-D array", "x"))
