namespace Fluxion.Random

open System

/// NumPy's legacy global generator (np.random.RandomState, numpy 1.24): MT19937 with NumPy's seeding and the
/// legacy samplers, bit for bit. Every call holds a lock on the instance, so one state may be shared by threads.
[<Sealed; AllowNullLiteral>]
type NumpyRandomState private (dummy: unit) =
    static let stateN = 624
    static let stateM = 397

    let mt: uint32[] = Array.zeroCreate 624
    let mutable pos = 624
    // The legacy polar method makes normals in pairs; the second waits here for the next normal call.
    let mutable hasGauss = false
    let mutable gauss = 0.0
    let sync = obj ()

    let initGenrand (s: uint32) =
        mt[0] <- s
        for i in 1 .. stateN - 1 do
            let p = mt[i - 1]
            mt[i] <- 1812433253u * (p ^^^ (p >>> 30)) + uint32 i
        pos <- stateN
        hasGauss <- false
        gauss <- 0.0

    let initByArray (key: uint32[]) =
        initGenrand 19650218u
        let mutable i = 1
        let mutable j = 0
        let mutable k = max stateN key.Length
        while k > 0 do
            let p = mt[i - 1]
            mt[i] <- (mt[i] ^^^ ((p ^^^ (p >>> 30)) * 1664525u)) + key[j] + uint32 j
            i <- i + 1
            j <- j + 1
            if i >= stateN then
                mt[0] <- mt[stateN - 1]
                i <- 1
            if j >= key.Length then j <- 0
            k <- k - 1
        k <- stateN - 1
        while k > 0 do
            let p = mt[i - 1]
            mt[i] <- (mt[i] ^^^ ((p ^^^ (p >>> 30)) * 1566083941u)) - uint32 i
            i <- i + 1
            if i >= stateN then
                mt[0] <- mt[stateN - 1]
                i <- 1
            k <- k - 1
        mt[0] <- 0x80000000u
        pos <- stateN
        hasGauss <- false
        gauss <- 0.0

    let twist () =
        for i in 0 .. stateN - 1 do
            let y = (mt[i] &&& 0x80000000u) ||| (mt[(i + 1) % stateN] &&& 0x7fffffffu)
            let mag = if y &&& 1u <> 0u then 0x9908b0dfu else 0u
            mt[i] <- mt[(i + stateM) % stateN] ^^^ (y >>> 1) ^^^ mag
        pos <- 0

    let next32 () : uint32 =
        if pos >= stateN then twist ()
        let mutable y = mt[pos]
        pos <- pos + 1
        y <- y ^^^ (y >>> 11)
        y <- y ^^^ ((y <<< 7) &&& 0x9d2c5680u)
        y <- y ^^^ ((y <<< 15) &&& 0xefc60000u)
        y ^^^ (y >>> 18)

    let next64 () : uint64 =
        let hi = uint64 (next32 ())
        (hi <<< 32) ||| uint64 (next32 ())

    let nextDouble () =
        let a = next32 () >>> 5
        let b = next32 () >>> 6
        (float a * 67108864.0 + float b) / 9007199254740992.0

    let nextGauss () =
        if hasGauss then
            hasGauss <- false
            let g = gauss
            gauss <- 0.0
            g
        else
            let mutable x1 = 0.0
            let mutable x2 = 0.0
            let mutable r2 = 0.0
            let mutable go = true
            while go do
                x1 <- 2.0 * nextDouble () - 1.0
                x2 <- 2.0 * nextDouble () - 1.0
                r2 <- x1 * x1 + x2 * x2
                go <- r2 >= 1.0 || r2 = 0.0
            let f = Math.Sqrt(-2.0 * Math.Log r2 / r2)
            gauss <- f * x1
            hasGauss <- true
            f * x2

    // Smallest all-ones mask covering max, then rejection: NumPy's random_interval and masked bounded draws.
    static let maskOf (max: uint64) =
        let mutable m = max
        m <- m ||| (m >>> 1)
        m <- m ||| (m >>> 2)
        m <- m ||| (m >>> 4)
        m <- m ||| (m >>> 8)
        m <- m ||| (m >>> 16)
        m ||| (m >>> 32)

    let interval (max: uint64) : uint64 =
        if max = 0UL then 0UL
        else
            let mask = maskOf max
            let mutable v = 0UL
            if max <= 0xffffffffUL then
                v <- uint64 (next32 ()) &&& mask
                while v > max do v <- uint64 (next32 ()) &&& mask
            else
                v <- next64 () &&& mask
                while v > max do v <- next64 () &&& mask
            v

    // random_bounded_uint64_fill with use_masked (the legacy randint path for dtype int64).
    let boundedFill (off: uint64) (rng: uint64) (out: int64[]) =
        if rng = 0UL then
            for i in 0 .. out.Length - 1 do out[i] <- int64 off
        elif rng <= 0xffffffffUL then
            if rng = 0xffffffffUL then
                for i in 0 .. out.Length - 1 do out[i] <- int64 (off + uint64 (next32 ()))
            else
                let mask = uint32 (maskOf rng)
                let r32 = uint32 rng
                for i in 0 .. out.Length - 1 do
                    let mutable v = next32 () &&& mask
                    while v > r32 do v <- next32 () &&& mask
                    out[i] <- int64 (off + uint64 v)
        elif rng = UInt64.MaxValue then
            for i in 0 .. out.Length - 1 do out[i] <- int64 (off + next64 ())
        else
            let mask = maskOf rng
            for i in 0 .. out.Length - 1 do
                let mutable v = next64 () &&& mask
                while v > rng do v <- next64 () &&& mask
                out[i] <- int64 (off + v)

    static let checkSize name (size: int) =
        if size < 0 then
            raise (ArgumentOutOfRangeException("size", size, $"NumpyRandomState.%s{name}: negative dimensions are not allowed (size = %d{size})."))

    static let checkSeed (s: int64) =
        if s < 0L || s > 0xffffffffL then
            raise (ArgumentOutOfRangeException("seed", s, $"Seed must be between 0 and 2**32 - 1 (got %d{s})."))

    static let defaultState = lazy (NumpyRandomState())

    let seedFromEntropy () =
        let key = Array.zeroCreate<uint32> stateN
        let bytes = Security.Cryptography.RandomNumberGenerator.GetBytes(4 * stateN)
        Buffer.BlockCopy(bytes, 0, key, 0, bytes.Length)
        initByArray key

    /// A generator seeded from the operating system's entropy, as np.random.RandomState() is.
    new() as this =
        NumpyRandomState(())
        then this.Seed()

    /// A generator seeded as np.random.RandomState(seed) with an integer seed in [0, 2^32).
    new(seed: int64) as this =
        NumpyRandomState(())
        then this.Seed seed

    /// A generator seeded as np.random.RandomState(key) with a 1-D seed array (MT19937 init_by_array).
    new(key: int64[]) as this =
        NumpyRandomState(())
        then this.Seed key

    /// The process-wide generator that np.random.* functions (and sklearn with random_state=None) use.
    static member Default: NumpyRandomState = defaultState.Force()

    /// np.random.seed(seed): MT19937 init_genrand with a seed in [0, 2^32); clears the cached normal.
    member _.Seed(seed: int64) =
        checkSeed seed
        lock sync (fun () -> initGenrand (uint32 seed))

    /// np.random.seed(key) with a non-empty 1-D array of values in [0, 2^32) (MT19937 init_by_array).
    member _.Seed(key: int64[]) =
        if isNull key then nullArg "key"
        if key.Length = 0 then raise (ArgumentException("Seed must be non-empty.", "key"))
        Array.iter checkSeed key
        lock sync (fun () -> initByArray (Array.map uint32 key))

    /// np.random.seed(): reseeds from the operating system's entropy.
    member _.Seed() = lock sync seedFromEntropy

    /// The next raw 32-bit MT19937 output (advances the state like any draw).
    member _.NextUInt32() : uint32 = lock sync next32

    /// np.random.random_sample(): one double in [0, 1) built from two 32-bit draws (53 bits).
    member _.RandomSample() : float = lock sync nextDouble

    /// np.random.random_sample(size): size doubles in [0, 1).
    member _.RandomSample(size: int) : float[] =
        checkSize "RandomSample" size
        lock sync (fun () -> Array.init size (fun _ -> nextDouble ()))

    /// np.random.rand(): one double in [0, 1).
    member this.Rand() : float = this.RandomSample()

    /// np.random.rand(n): n doubles in [0, 1).
    member this.Rand(n: int) : float[] = this.RandomSample n

    static member private CheckRange(low: float, high: float) =
        let range = high - low
        if not (Double.IsFinite range) then
            raise (OverflowException($"Range exceeds valid bounds (uniform low = %g{low}, high = %g{high})."))
        range

    /// np.random.uniform(low, high): low + (high - low) * random_sample().
    member _.Uniform(low: float, high: float) : float =
        let range = NumpyRandomState.CheckRange(low, high)
        lock sync (fun () -> low + range * nextDouble ())

    /// np.random.uniform(low, high, size).
    member _.Uniform(low: float, high: float, size: int) : float[] =
        let range = NumpyRandomState.CheckRange(low, high)
        checkSize "Uniform" size
        lock sync (fun () -> Array.init size (fun _ -> low + range * nextDouble ()))

    static member private CheckScale(scale: float) =
        if scale < 0.0 then
            raise (ArgumentOutOfRangeException("scale", scale, $"scale < 0 (normal: scale = %g{scale}; pass a non-negative standard deviation)."))

    /// np.random.standard_normal(): one draw of the legacy polar Box-Muller method (uses and fills the cache).
    member _.StandardNormal() : float = lock sync nextGauss

    /// np.random.standard_normal(size).
    member _.StandardNormal(size: int) : float[] =
        checkSize "StandardNormal" size
        lock sync (fun () -> Array.init size (fun _ -> nextGauss ()))

    /// np.random.randn(): same stream as StandardNormal().
    member this.Randn() : float = this.StandardNormal()

    /// np.random.randn(n).
    member this.Randn(n: int) : float[] = this.StandardNormal n

    /// np.random.normal(loc, scale): loc + scale * gauss.
    member _.Normal(loc: float, scale: float) : float =
        NumpyRandomState.CheckScale scale
        lock sync (fun () -> loc + scale * nextGauss ())

    /// np.random.normal(loc, scale, size).
    member _.Normal(loc: float, scale: float, size: int) : float[] =
        NumpyRandomState.CheckScale scale
        checkSize "Normal" size
        lock sync (fun () -> Array.init size (fun _ -> loc + scale * nextGauss ()))

    /// np.random.normal(loc=row, scale, size=(rows, row.Length)) in C order: element [r, c] = loc[c] + scale * gauss.
    member _.Normal(loc: float[], scale: float, rows: int) : float[,] =
        if isNull loc then nullArg "loc"
        NumpyRandomState.CheckScale scale
        checkSize "Normal" rows
        lock sync (fun () ->
            let out = Array2D.zeroCreate rows loc.Length
            for r in 0 .. rows - 1 do
                for c in 0 .. loc.Length - 1 do
                    out[r, c] <- loc[c] + scale * nextGauss ()
            out)

    static member private CheckInt(low: int64, high: int64) =
        if low >= high then
            raise (ArgumentException($"low >= high (randint: low = %d{low}, high = %d{high}; the range [low, high) must be non-empty)."))

    /// np.random.randint(low, high) with the default int64 dtype: masked rejection on 32-bit draws (64-bit for ranges of 2^32 and more).
    member _.Randint(low: int64, high: int64) : int64 =
        NumpyRandomState.CheckInt(low, high)
        let out = [| 0L |]
        lock sync (fun () -> boundedFill (uint64 low) (uint64 (high - 1L - low)) out)
        out[0]

    /// np.random.randint(low, high, size).
    member _.Randint(low: int64, high: int64, size: int) : int64[] =
        NumpyRandomState.CheckInt(low, high)
        checkSize "Randint" size
        let out = Array.zeroCreate size
        lock sync (fun () -> boundedFill (uint64 low) (uint64 (high - 1L - low)) out)
        out

    /// np.random.randint(high): a draw from [0, high).
    member this.Randint(high: int64) : int64 = this.Randint(0L, high)

    /// np.random.shuffle(array) on the first axis: the legacy Fisher-Yates with masked-rejection bounded draws.
    member _.Shuffle(array: 'T[]) =
        if isNull array then nullArg "array"
        lock sync (fun () ->
            for i in array.Length - 1 .. -1 .. 1 do
                let j = int (interval (uint64 i))
                let t = array[i]
                array[i] <- array[j]
                array[j] <- t)

    /// np.random.permutation(n): a shuffled arange(n).
    member this.Permutation(n: int) : int64[] =
        checkSize "Permutation" n
        let a = Array.init n int64
        this.Shuffle a
        a

    /// np.random.choice(n, size, replace) without weights: randint(0, n, size) with replacement, else permutation(n)[:size].
    member this.Choice(n: int, size: int, replace: bool) : int64[] =
        checkSize "Choice" size
        if n <= 0 && size <> 0 then
            raise (ArgumentOutOfRangeException("n", n, $"a must be greater than 0 unless no samples are taken (choice: a = %d{n}, size = %d{size})."))
        if replace then this.Randint(0L, int64 n, size)
        elif size > n then
            raise (ArgumentException($"Cannot take a larger sample than population when 'replace=False' (choice: a = %d{n}, size = %d{size})."))
        else (this.Permutation n)[.. size - 1]
