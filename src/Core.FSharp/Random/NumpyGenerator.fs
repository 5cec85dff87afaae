namespace Fluxion.Random

open System
open System.Numerics
open System.Runtime.InteropServices

/// NumPy's SeedSequence (numpy 1.24): hashes any amount of seed entropy into a pool of four 32-bit words and
/// expands it into as many state words as a bit generator asks for, bit for bit.
[<Sealed>]
type NumpySeedSequence(entropy: uint32[]) =
    static let initA = 0x43b0d7e5u
    static let multA = 0x931e8875u
    static let initB = 0x8b51f9ddu
    static let multB = 0x58f38dedu
    static let mixMultL = 0xca01f9ddu
    static let mixMultR = 0x4973f715u
    static let poolSize = 4

    let pool =
        if isNull entropy then raise (ArgumentNullException("entropy", "SeedSequence: the entropy array is null; pass at least one word"))
        let mutable hashConst = initA
        let hashmix (v: uint32) =
            let mutable v = v ^^^ hashConst
            hashConst <- hashConst * multA
            v <- v * hashConst
            v ^^^ (v >>> 16)
        let mix (x: uint32) (y: uint32) =
            let r = mixMultL * x - mixMultR * y
            r ^^^ (r >>> 16)
        let m = Array.init poolSize (fun i -> hashmix (if i < entropy.Length then entropy[i] else 0u))
        // Every word influences every other, then the entropy past the pool is folded in word by word.
        for src in 0 .. poolSize - 1 do
            for dst in 0 .. poolSize - 1 do
                if src <> dst then m[dst] <- mix m[dst] (hashmix m[src])
        for src in poolSize .. entropy.Length - 1 do
            for dst in 0 .. poolSize - 1 do
                m[dst] <- mix m[dst] (hashmix entropy[src])
        m

    /// NumPy's conversion of a non-negative Python int to 32-bit words, least significant first (0 gives [0]).
    static member WordsOf(seed: BigInteger) : uint32[] =
        if seed.Sign < 0 then raise (ArgumentOutOfRangeException("seed", sprintf "SeedSequence: expected non-negative integer, got %O" seed))
        if seed.IsZero then [| 0u |]
        else
            let words = Collections.Generic.List<uint32>()
            let mutable n = seed
            while n.Sign > 0 do
                words.Add(uint32 (n &&& BigInteger(0xFFFFFFFFu)))
                n <- n >>> 32
            words.ToArray()

    /// `SeedSequence(seed)` for an integer seed of any size.
    static member OfInteger(seed: BigInteger) = NumpySeedSequence(NumpySeedSequence.WordsOf seed)

    /// `SeedSequence([s0, s1, ...])`: each integer's words, concatenated.
    static member OfIntegers(seeds: BigInteger[]) =
        if isNull seeds then raise (ArgumentNullException("seeds", "SeedSequence: the seed array is null"))
        NumpySeedSequence(seeds |> Array.collect NumpySeedSequence.WordsOf)

    /// The mixed entropy pool (four words).
    member _.Pool : uint32[] = Array.copy pool

    /// `generate_state(n)` as 32-bit words.
    member _.GenerateState(nWords: int) : uint32[] =
        if nWords < 0 then raise (ArgumentOutOfRangeException("nWords", sprintf "SeedSequence.GenerateState: n_words must be non-negative, got %d" nWords))
        let mutable hashConst = initB
        Array.init nWords (fun i ->
            let mutable v = pool[i % poolSize] ^^^ hashConst
            hashConst <- hashConst * multB
            v <- v * hashConst
            v ^^^ (v >>> 16))

    /// `generate_state(n, np.uint64)`: pairs of 32-bit words, low word first.
    member s.GenerateState64(nWords: int) : uint64[] =
        let w = s.GenerateState(2 * nWords)
        Array.init nWords (fun i -> uint64 w[2 * i] ||| (uint64 w[2 * i + 1] <<< 32))

/// NumPy's `np.random.default_rng(seed)` (numpy 1.24): a Generator over PCG64 seeded through SeedSequence, with
/// NumPy's samplers (Lemire's bounded integers, the 256-layer ziggurat for normals, Floyd's sampling for
/// choice without replacement), bit for bit. Every call holds a lock on the instance.
[<Sealed; AllowNullLiteral>]
type NumpyGenerator(seedSequence: NumpySeedSequence) =
    static let multiplier = UInt128(2549297995355413924UL, 4865540595714422341UL)
    static let zigR = 3.6541528853610087963519472518
    static let zigInvR = 0.27366123732975827203338247596
    static let ki = NumpyZiggurat.ki
    static let wi = NumpyZiggurat.wi
    static let fi = NumpyZiggurat.fi

    let sync = obj ()
    let mutable state = UInt128.Zero
    let mutable inc = UInt128.Zero
    let mutable hasUInt32 = false
    let mutable uinteger = 0u

    let step () = state <- state * multiplier + inc
    let next64 () =
        step ()
        let hi = uint64 (state >>> 64)
        let lo = uint64 state
        BitOperations.RotateRight(hi ^^^ lo, int (hi >>> 58))
    let next32 () =
        if hasUInt32 then
            hasUInt32 <- false
            uinteger
        else
            let n = next64 ()
            hasUInt32 <- true
            uinteger <- uint32 (n >>> 32)
            uint32 n
    let nextDouble () = float (next64 () >>> 11) * (1.0 / 9007199254740992.0)

    do
        if isNull (box seedSequence) then raise (ArgumentNullException("seedSequence", "default_rng: the seed sequence is null"))
        let v = seedSequence.GenerateState64 4
        let initState = UInt128(v[0], v[1])
        inc <- (UInt128(v[2], v[3]) <<< 1) ||| UInt128.One
        step ()
        state <- state + initState
        step ()

    /// Lemire's bounded integer in [0, rng] from 32-bit draws (rng < 2^32 - 1).
    let lemire32 (rng: uint32) =
        let excl = rng + 1u
        let mutable m = uint64 (next32 ()) * uint64 excl
        let mutable leftover = uint32 m
        if leftover < excl then
            let threshold = (UInt32.MaxValue - rng) % excl
            while leftover < threshold do
                m <- uint64 (next32 ()) * uint64 excl
                leftover <- uint32 m
        uint32 (m >>> 32)

    /// Lemire's bounded integer in [0, rng] from 64-bit draws (2^32 - 1 < rng < 2^64 - 1).
    let lemire64 (rng: uint64) =
        let excl = rng + 1UL
        let mutable m = UInt128.op_Implicit (next64 ()) * UInt128.op_Implicit excl
        let mutable leftover = uint64 m
        if leftover < excl then
            let threshold = (UInt64.MaxValue - rng) % excl
            while leftover < threshold do
                m <- UInt128.op_Implicit (next64 ()) * UInt128.op_Implicit excl
                leftover <- uint64 m
        uint64 (m >>> 64)

    /// NumPy's `random_bounded_uint64(off=0, rng)`: an integer in [0, rng], unmasked (Lemire).
    let bounded (rng: uint64) =
        if rng = 0UL then 0UL
        elif rng <= 0xFFFFFFFFUL then
            if rng = 0xFFFFFFFFUL then uint64 (next32 ()) else uint64 (lemire32 (uint32 rng))
        elif rng = UInt64.MaxValue then next64 ()
        else lemire64 rng

    /// NumPy's `random_interval(max)`: masked rejection in [0, max] (what `shuffle` and `permutation` use).
    let interval (max: uint64) =
        if max = 0UL then 0UL
        else
            let mutable mask = max
            for s in [ 1; 2; 4; 8; 16; 32 ] do mask <- mask ||| (mask >>> s)
            let mutable v = 0UL
            if max <= 0xFFFFFFFFUL then
                v <- uint64 (next32 ()) &&& mask
                while v > max do v <- uint64 (next32 ()) &&& mask
            else
                v <- next64 () &&& mask
                while v > max do v <- next64 () &&& mask
            v

    let standardNormal () =
        let mutable result = nan
        let mutable fin = false
        while not fin do
            let r0 = next64 ()
            let idx = int (r0 &&& 0xffUL)
            let r = r0 >>> 8
            let rabs = (r >>> 1) &&& 0x000fffffffffffffUL
            let mutable x = float rabs * wi[idx]
            if r &&& 1UL <> 0UL then x <- -x
            if rabs < ki[idx] then
                result <- x
                fin <- true
            elif idx = 0 then
                // The tail beyond r: Marsaglia's exponential method. NumPy takes log1p(-U); U is a multiple of
                // 2^-53, so 1 - U is exact and log(1 - U) is the same correctly rounded value.
                let mutable tail = false
                while not tail do
                    let xx = -zigInvR * Math.Log(1.0 - nextDouble ())
                    let yy = -Math.Log(1.0 - nextDouble ())
                    if yy + yy > xx * xx then
                        result <- (if (rabs >>> 8) &&& 1UL <> 0UL then -(zigR + xx) else zigR + xx)
                        tail <- true
                fin <- true
            elif (fi[idx - 1] - fi[idx]) * nextDouble () + fi[idx] < Math.Exp(-0.5 * x * x) then
                result <- x
                fin <- true
        result

    static let checkSize (size: int) =
        if size < 0 then raise (ArgumentOutOfRangeException("size", sprintf "negative dimensions are not allowed (size=%d)" size))

    /// `np.random.default_rng(seed)` for a non-negative integer seed.
    new(seed: int64) = NumpyGenerator(NumpySeedSequence.OfInteger(BigInteger seed))

    /// `np.random.default_rng(seed)` for a non-negative integer seed of any size.
    static member DefaultRng(seed: BigInteger) = NumpyGenerator(NumpySeedSequence.OfInteger seed)
    /// `np.random.default_rng(seed)`.
    static member DefaultRng(seed: int64) = NumpyGenerator(seed)
    /// `np.random.default_rng([s0, s1, ...])`.
    static member DefaultRng(seeds: int64[]) =
        if isNull seeds then raise (ArgumentNullException("seeds", "default_rng: the seed array is null"))
        NumpyGenerator(NumpySeedSequence.OfIntegers(seeds |> Array.map (fun s -> BigInteger s)))

    /// The next raw 64-bit output of PCG64 (`bit_generator.random_raw()`).
    member _.NextUInt64() : uint64 = lock sync next64

    /// `rng.random()`: a double in [0, 1) from 53 bits.
    member _.Random() : float = lock sync nextDouble
    /// `rng.random(size)`.
    member _.Random(size: int) : float[] =
        checkSize size
        lock sync (fun () -> Array.init size (fun _ -> nextDouble ()))

    /// `rng.uniform(low, high)`: low + (high - low)·U.
    member _.Uniform(low: float, high: float) : float =
        let range = high - low
        if Double.IsInfinity range then raise (ArgumentOutOfRangeException("high", sprintf "uniform: range exceeds valid bounds (low=%g, high=%g)" low high))
        lock sync (fun () -> low + range * nextDouble ())
    /// `rng.uniform(low, high, size)`.
    member _.Uniform(low: float, high: float, size: int) : float[] =
        checkSize size
        let range = high - low
        if Double.IsInfinity range then raise (ArgumentOutOfRangeException("high", sprintf "uniform: range exceeds valid bounds (low=%g, high=%g)" low high))
        lock sync (fun () -> Array.init size (fun _ -> low + range * nextDouble ()))

    /// `rng.integers(low, high)`: an int64 in [low, high) (endpoint=True: [low, high]).
    member g.Integers(low: int64, high: int64, [<Optional; DefaultParameterValue(false)>] endpoint: bool) : int64 = (g.Integers(low, high, 1, endpoint)).[0]
    /// `rng.integers(low, high, size)` with NumPy's int64 path (Lemire; 32-bit draws when the range fits).
    member _.Integers(low: int64, high: int64, size: int, [<Optional; DefaultParameterValue(false)>] endpoint: bool) : int64[] =
        checkSize size
        let hi = if endpoint then high else high - 1L
        if hi < low then
            raise (ArgumentOutOfRangeException("high", (if endpoint then "low > high" else "low >= high") + sprintf " (low=%d, high=%d)" low high))
        let rng = uint64 hi - uint64 low
        lock sync (fun () -> Array.init size (fun _ -> int64 (uint64 low + bounded rng)))
    /// `rng.integers(high)`: [0, high).
    member g.Integers(high: int64) : int64 = g.Integers(0L, high)

    /// `rng.standard_normal()` (the ziggurat).
    member _.StandardNormal() : float = lock sync standardNormal
    /// `rng.standard_normal(size)`.
    member _.StandardNormal(size: int) : float[] =
        checkSize size
        lock sync (fun () -> Array.init size (fun _ -> standardNormal ()))

    /// `rng.normal(loc, scale)`: loc + scale·Z.
    member _.Normal(loc: float, scale: float) : float =
        if scale < 0.0 then raise (ArgumentOutOfRangeException("scale", sprintf "normal: scale < 0 (scale=%g)" scale))
        lock sync (fun () -> loc + scale * standardNormal ())
    /// `rng.normal(loc, scale, size)`.
    member _.Normal(loc: float, scale: float, size: int) : float[] =
        checkSize size
        if scale < 0.0 then raise (ArgumentOutOfRangeException("scale", sprintf "normal: scale < 0 (scale=%g)" scale))
        lock sync (fun () -> Array.init size (fun _ -> loc + scale * standardNormal ()))

    /// `rng.choice(n, size, replace)`: indices into range(n). Without replacement: Floyd's algorithm with a hash
    /// set and a final shuffle, or a tail shuffle of arange(n) when n > 10000 and size > n // 50 (NumPy's rule).
    member _.Choice(n: int64, size: int, [<Optional; DefaultParameterValue(true)>] replace: bool) : int64[] =
        checkSize size
        if n < 0L then raise (ArgumentOutOfRangeException("n", sprintf "choice: a must be a positive integer unless no samples are taken (a=%d)" n))
        if n = 0L && size > 0 then raise (ArgumentOutOfRangeException("n", "choice: a cannot be empty unless no samples are taken"))
        if replace then
            lock sync (fun () -> Array.init size (fun _ -> int64 (bounded (uint64 (n - 1L)))))
        else
            if int64 size > n then raise (ArgumentOutOfRangeException("size", sprintf "Cannot take a larger sample than population when replace=False (size=%d, population=%d)" size n))
            lock sync (fun () ->
                let shuffleInt (data: int64[]) (count: int) (first: int) =
                    for i in count - 1 .. -1 .. first do
                        let j = int (bounded (uint64 i))
                        let t = data[j]
                        data[j] <- data[i]
                        data[i] <- t
                if n > 10000L && int64 size > n / 50L then
                    let idx = Array.init (int n) int64
                    shuffleInt idx (int n) (max (int n - size) 1)
                    idx[int n - size ..]
                else
                    let idx = Array.zeroCreate<int64> size
                    let mutable mask = uint64 (1.2 * float size)
                    for s in [ 1; 2; 4; 8; 16; 32 ] do mask <- mask ||| (mask >>> s)
                    let set = Array.create (int (mask + 1UL)) UInt64.MaxValue
                    for j in n - int64 size .. n - 1L do
                        let v = bounded (uint64 j)
                        let mutable loc = int (v &&& mask)
                        while set[loc] <> UInt64.MaxValue && set[loc] <> v do loc <- int (uint64 (loc + 1) &&& mask)
                        if set[loc] = UInt64.MaxValue then
                            set[loc] <- v
                            idx[int (j - n + int64 size)] <- int64 v
                        else
                            loc <- int (uint64 j &&& mask)
                            while set[loc] <> UInt64.MaxValue do loc <- int (uint64 (loc + 1) &&& mask)
                            set[loc] <- uint64 j
                            idx[int (j - n + int64 size)] <- j
                    shuffleInt idx size 1
                    idx)

    /// `rng.choice(a, size, replace)`: elements of a (indices drawn as `Choice(a.Length, size, replace)`).
    member g.Choice<'T>(a: 'T[], size: int, [<Optional; DefaultParameterValue(true)>] replace: bool) : 'T[] =
        if isNull a then raise (ArgumentNullException("a", "choice: the population array is null"))
        g.Choice(int64 a.Length, size, replace) |> Array.map (fun i -> a[int i])

    /// `rng.shuffle(a)` in place (Fisher–Yates from the end with NumPy's masked-rejection interval draws).
    member _.Shuffle<'T>(a: 'T[]) : unit =
        if isNull a then raise (ArgumentNullException("a", "shuffle: the array is null"))
        lock sync (fun () ->
            for i in a.Length - 1 .. -1 .. 1 do
                let j = int (interval (uint64 i))
                let t = a[j]
                a[j] <- a[i]
                a[i] <- t)

    /// `rng.permutation(n)`: a shuffled arange(n).
    member g.Permutation(n: int) : int64[] =
        if n < 0 then raise (ArgumentOutOfRangeException("n", sprintf "permutation: negative dimensions are not allowed (n=%d)" n))
        let a = Array.init n int64
        g.Shuffle a
        a
