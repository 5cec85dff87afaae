/// NumPy 1.24's array helpers that the course's data recipes call, on plain arrays and with NumPy's arithmetic order.
module Fluxion.Compat.NumPy

open System

/// np.convolve's modes.
type ConvolveMode =
    /// Every overlap: length n + m - 1 (NumPy's default).
    | Full = 2
    /// Only full overlaps: length max(n, m) - min(n, m) + 1.
    | Valid = 0
    /// Centred on the longer input: length max(n, m).
    | Same = 1

/// Parses a mode name as NumPy does: by its first letter (v, s or f, case-insensitive).
let parseConvolveMode (mode: string) : ConvolveMode =
    if isNull mode then nullArg "mode"
    match (if mode.Length > 0 then Char.ToLowerInvariant mode[0] else ' ') with
    | 'v' -> ConvolveMode.Valid
    | 's' -> ConvolveMode.Same
    | 'f' -> ConvolveMode.Full
    | _ -> raise (ArgumentException($"convolve: mode must be 'full', 'valid' or 'same' (got '%s{mode}').", "mode"))

// NumPy sums each output left to right from zero without fused multiply-adds (small_correlate for kernels of
// up to 11 taps, the reference BLAS ddot otherwise; both accumulate in this order).
let inline private dotRange (a: ^T[]) (aStart: int) (k: ^T[]) (kStart: int) (count: int) : ^T =
    let mutable s = LanguagePrimitives.GenericZero< ^T>
    for t in 0 .. count - 1 do
        s <- s + a[aStart + t] * k[kStart + t]
    s

let inline private correlateReversed (a: ^T[]) (v: ^T[]) (mode: ConvolveMode) : ^T[] =
    if isNull a then nullArg "a"
    if isNull v then nullArg "v"
    let a, v = if v.Length > a.Length then v, a else a, v
    if a.Length = 0 then raise (ArgumentException("a cannot be empty (convolve needs two non-empty inputs).", "a"))
    if v.Length = 0 then raise (ArgumentException("v cannot be empty (convolve needs two non-empty inputs).", "v"))
    let n1 = a.Length
    let n2 = v.Length
    let k = Array.rev v
    let nLeft, nRight, length =
        match mode with
        | ConvolveMode.Valid -> 0, 0, n1 - n2 + 1
        | ConvolveMode.Same -> n2 / 2, n2 - n2 / 2 - 1, n1
        | ConvolveMode.Full -> n2 - 1, n2 - 1, n1 + n2 - 1
        | m -> raise (ArgumentOutOfRangeException("mode", m, "convolve: unknown mode."))
    let out = Array.zeroCreate length
    let mutable o = 0
    // Left edge: the kernel hangs over the start; its tail part meets a[0..].
    for i in 0 .. nLeft - 1 do
        out[o] <- dotRange a 0 k (nLeft - i) (n2 - nLeft + i)
        o <- o + 1
    for i in 0 .. n1 - n2 do
        out[o] <- dotRange a i k 0 n2
        o <- o + 1
    for i in 0 .. nRight - 1 do
        out[o] <- dotRange a (n1 - n2 + 1 + i) k 0 (n2 - 1 - i)
        o <- o + 1
    out

/// np.convolve(a, v, mode) for float64: the inputs are swapped when v is longer; values are bit-identical to
/// NumPy 1.24 built on the reference BLAS. OpenBLAS builds reorder the sums of kernels longer than 11 taps
/// (blocked, fused accumulators), so there results differ by rounding: at most about len(v) * 2^-53 * sum |a_i v_j|.
let convolveMode (a: float[]) (v: float[]) (mode: ConvolveMode) : float[] = correlateReversed a v mode

/// np.convolve(a, v, mode) for int64 arrays (NumPy's integer result, wrapping on overflow).
let convolveInt64 (a: int64[]) (v: int64[]) (mode: ConvolveMode) : int64[] = correlateReversed a v mode

/// np.convolve(a, v, mode) with the mode given by name ("full", "valid" or "same").
let convolve (a: float[]) (v: float[]) (mode: string) : float[] = convolveMode a v (parseConvolveMode mode)

// NumPy's ordering for floats: NaN after everything else.
let inline private npLess (a: float) (b: float) = a < b || (b <> b && a = a)

// NumPy's check_array_monotonic: 1 non-decreasing, -1 non-increasing, 0 neither.
let private monotonicity (a: float[]) =
    if a.Length = 0 then 1
    else
        let mutable last = a[0]
        let mutable i = 1
        while i < a.Length && a[i] = last do i <- i + 1
        if i = a.Length then 1
        else
            let mutable next = a[i]
            if last < next then
                let mutable ok = true
                i <- i + 1
                while ok && i < a.Length do
                    last <- next
                    next <- a[i]
                    if last > next then ok <- false
                    i <- i + 1
                if ok then 1 else 0
            elif last > next then
                let mutable ok = true
                i <- i + 1
                while ok && i < a.Length do
                    last <- next
                    next <- a[i]
                    if last < next then ok <- false
                    i <- i + 1
                if ok then -1 else 0
            else 0

// np.searchsorted on a sorted array: side left counts elements < key, side right elements <= key.
let private searchSorted (sorted: float[]) (key: float) (right: bool) =
    let mutable lo = 0
    let mutable hi = sorted.Length
    while lo < hi do
        let mid = lo + ((hi - lo) >>> 1)
        let goRight = if right then not (npLess key sorted[mid]) else npLess sorted[mid] key
        if goRight then lo <- mid + 1 else hi <- mid
    lo

/// np.digitize(x, bins, right): for increasing bins, i with bins[i-1] <= x < bins[i] (right: bins[i-1] < x <= bins[i]);
/// decreasing bins are mirrored as NumPy does.
let digitize (x: float[]) (bins: float[]) (right: bool) : int64[] =
    if isNull x then nullArg "x"
    if isNull bins then nullArg "bins"
    match monotonicity bins with
    | 0 -> raise (ArgumentException("bins must be monotonically increasing or decreasing (digitize).", "bins"))
    | 1 -> x |> Array.map (fun v -> int64 (searchSorted bins v (not right)))
    | _ ->
        let rev = Array.rev bins
        x |> Array.map (fun v -> int64 (bins.Length - searchSorted rev v (not right)))

/// np.bincount(x, minlength): counts of each value 0..max(x), at least minlength entries.
let bincount (x: int64[]) (minlength: int) : int64[] =
    if isNull x then nullArg "x"
    if minlength < 0 then
        raise (ArgumentOutOfRangeException("minlength", minlength, "'minlength' must not be negative (bincount)."))
    let mutable mx = -1L
    for v in x do
        if v < 0L then
            raise (ArgumentException($"'list' argument must have no negative elements (bincount found %d{v}).", "x"))
        if v > mx then mx <- v
    let counts = Array.zeroCreate (max (int (mx + 1L)) minlength)
    for v in x do counts[int v] <- counts[int v] + 1L
    counts

/// np.linspace(start, stop, num, endpoint): i * step + start with step = (stop - start) / div, the last value set to stop.
let linspace (start: float) (stop: float) (num: int) (endpoint: bool) : float[] =
    if num < 0 then
        raise (ArgumentOutOfRangeException("num", num, $"Number of samples, %d{num}, must be non-negative (linspace)."))
    let div = if endpoint then num - 1 else num
    let delta = stop - start
    let y = Array.init num float
    if div > 0 then
        let step = delta / float div
        if step = 0.0 then
            // NumPy's path for denormal steps: scale by the count first, then by delta.
            for i in 0 .. num - 1 do y[i] <- y[i] / float div * delta
        else
            for i in 0 .. num - 1 do y[i] <- y[i] * step
    else
        for i in 0 .. num - 1 do y[i] <- y[i] * delta
    for i in 0 .. num - 1 do y[i] <- y[i] + start
    if endpoint && num > 1 then y[num - 1] <- stop
    y

/// np.arange(start, stop, step) for floats: length ceil((stop - start) / step); value i is start + i * ((start + step) - start).
let arange (start: float) (stop: float) (step: float) : float[] =
    if step = 0.0 then raise (ArgumentException("Maximum allowed size exceeded (arange: step must not be zero).", "step"))
    let len = Math.Ceiling((stop - start) / step)
    if Double.IsNaN len then
        raise (ArgumentException($"arange: cannot compute length (start = %g{start}, stop = %g{stop}, step = %g{step}).", "step"))
    if len <= 0.0 then [||]
    else
        if len > float Int32.MaxValue then
            raise (ArgumentOutOfRangeException("stop", stop, "Maximum allowed size exceeded (arange)."))
        let n = int len
        let y = Array.zeroCreate n
        y[0] <- start
        if n > 1 then
            let second = start + step
            y[1] <- second
            let d = second - start
            for i in 2 .. n - 1 do y[i] <- start + float i * d
        y

// NumPy's pairwise summation (blocks of 128 with eight running sums, halves above that).
let rec private pairwise (a: float[]) (off: int) (n: int) : float =
    if n < 8 then
        let mutable res = 0.0
        for i in 0 .. n - 1 do res <- res + a[off + i]
        res
    elif n <= 128 then
        let r = Array.sub a off 8
        let mutable i = 8
        while i < n - n % 8 do
            for j in 0 .. 7 do r[j] <- r[j] + a[off + i + j]
            i <- i + 8
        let mutable res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        while i < n do
            res <- res + a[off + i]
            i <- i + 1
        res
    else
        let n2 = n / 2
        let n2 = n2 - n2 % 8
        pairwise a off n2 + pairwise a (off + n2) (n - n2)

/// np.sum of a float64 array: NumPy's pairwise summation, bit for bit.
let sum (a: float[]) : float =
    if isNull a then nullArg "a"
    0.0 + pairwise a 0 a.Length

/// np.mean of a float64 array: the pairwise sum divided by the count (NaN for an empty array, as NumPy returns).
let mean (a: float[]) : float =
    if isNull a then nullArg "a"
    sum a / float a.Length
