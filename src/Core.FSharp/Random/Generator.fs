namespace Fluxion.Random

open System
open System.Buffers.Binary

/// PyTorch's CPU random generator: an MT19937 engine plus the cached second Box-Muller normals.
[<Sealed; AllowNullLiteral>]
type Generator(seed: uint64) =
    static let stateN = 624
    static let stateM = 397
    /// Size of torch.get_rng_state() on CPU (legacy THGeneratorState + float cache).
    static let stateBytes = 5056

    let words: uint32[] = Array.zeroCreate 624
    let mutable initialSeed = 0UL
    let mutable left = 1
    let mutable next = 0
    let mutable normalDouble = ValueNone
    let mutable normalFloat = ValueNone

    let reseed (s: uint64) =
        initialSeed <- s
        words[0] <- uint32 s
        for i in 1 .. stateN - 1 do
            let p = words[i - 1]
            words[i] <- 1812433253u * (p ^^^ (p >>> 30)) + uint32 i
        left <- 1
        next <- 0
        normalDouble <- ValueNone
        normalFloat <- ValueNone

    let twist () =
        for i in 0 .. stateN - 1 do
            let y = (words[i] &&& 0x80000000u) ||| (words[(i + 1) % stateN] &&& 0x7fffffffu)
            let mag = if y &&& 1u <> 0u then 0x9908b0dfu else 0u
            words[i] <- words[(i + stateM) % stateN] ^^^ (y >>> 1) ^^^ mag
        left <- stateN
        next <- 0

    do reseed seed

    static let defaultGenerator = Generator(67280421310721UL)

    /// The process-wide generator used by functions that take no explicit generator (torch's default seed).
    static member Default = defaultGenerator

    /// Reseeds the engine; negative seeds wrap modulo 2^64 as in torch.manual_seed, and both cached normals are cleared.
    member _.ManualSeed(s: int64) = reseed (uint64 s)

    /// Reseeds the engine with an unsigned seed and clears both cached normals.
    member _.ManualSeed(s: uint64) = reseed s

    /// The seed last given (modulo 2^64), as torch.initial_seed() reports it.
    member _.InitialSeed = initialSeed

    /// Next tempered 32-bit MT19937 output.
    member _.Next32() : uint32 =
        left <- left - 1
        if left = 0 then twist ()
        let mutable y = words[next]
        next <- next + 1
        y <- y ^^^ (y >>> 11)
        y <- y ^^^ ((y <<< 7) &&& 0x9d2c5680u)
        y <- y ^^^ ((y <<< 15) &&& 0xefc60000u)
        y ^^^ (y >>> 18)

    /// Next 64-bit draw: the first 32-bit output is the high word.
    member this.Next64() : uint64 =
        let hi = uint64 (this.Next32())
        let lo = uint64 (this.Next32())
        (hi <<< 32) ||| lo

    /// Cached double normal of the scalar Box-Muller path (null when absent).
    member _.NextDoubleNormal
        with get () : Nullable<float> = match normalDouble with ValueSome v -> Nullable v | ValueNone -> Nullable()
        and set (v: Nullable<float>) = normalDouble <- (if v.HasValue then ValueSome v.Value else ValueNone)

    /// Cached float normal (kept for state fidelity; 1.13 CPU kernels only use the double cache; null when absent).
    member _.NextFloatNormal
        with get () : Nullable<float32> = match normalFloat with ValueSome v -> Nullable v | ValueNone -> Nullable()
        and set (v: Nullable<float32>) = normalFloat <- (if v.HasValue then ValueSome v.Value else ValueNone)

    /// Copies this generator's complete state into a new, independent generator.
    member this.Clone() : Generator =
        let g = Generator(0UL)
        g.SetState(this.GetState())
        g

    /// Serialises the state in the byte layout of torch.get_rng_state() (5056 bytes).
    member _.GetState() : byte[] =
        let b = Array.zeroCreate<byte> stateBytes
        let span = b.AsSpan()
        BinaryPrimitives.WriteUInt64LittleEndian(span.Slice 0, initialSeed)
        BinaryPrimitives.WriteInt32LittleEndian(span.Slice 8, left)
        BinaryPrimitives.WriteInt32LittleEndian(span.Slice 12, 1)
        BinaryPrimitives.WriteUInt64LittleEndian(span.Slice 16, uint64 next)
        for i in 0 .. stateN - 1 do
            BinaryPrimitives.WriteUInt64LittleEndian(span.Slice(24 + 8 * i), uint64 words[i])
        match normalDouble with
        | ValueSome v ->
            BinaryPrimitives.WriteDoubleLittleEndian(span.Slice 5024, v)
            BinaryPrimitives.WriteInt32LittleEndian(span.Slice 5040, 1)
        | ValueNone -> ()
        match normalFloat with
        | ValueSome v ->
            BinaryPrimitives.WriteSingleLittleEndian(span.Slice 5048, v)
            b[5052] <- 1uy
        | ValueNone -> ()
        b

    /// Restores a state produced by GetState() or by torch.get_rng_state().
    member _.SetState(state: byte[]) =
        if isNull state || state.Length <> stateBytes then
            let got = if isNull state then "null" else string state.Length
            raise (ArgumentException(
                sprintf "Generator.SetState: state must be %d bytes (torch.get_rng_state layout), got %s" stateBytes got,
                "state"))
        let span = ReadOnlySpan<byte>(state)
        let l = BinaryPrimitives.ReadInt32LittleEndian(span.Slice 8)
        let n = BinaryPrimitives.ReadUInt64LittleEndian(span.Slice 16)
        if l < 1 || l > stateN || n > uint64 stateN then
            raise (ArgumentException(
                sprintf "Generator.SetState: invalid counters left=%d next=%d (need 1<=left<=624, next<=624)" l n,
                "state"))
        initialSeed <- BinaryPrimitives.ReadUInt64LittleEndian(span.Slice 0)
        left <- l
        next <- int n
        for i in 0 .. stateN - 1 do
            words[i] <- uint32 (BinaryPrimitives.ReadUInt64LittleEndian(span.Slice(24 + 8 * i)))
        normalDouble <-
            if BinaryPrimitives.ReadInt32LittleEndian(span.Slice 5040) <> 0 then
                ValueSome(BinaryPrimitives.ReadDoubleLittleEndian(span.Slice 5024))
            else ValueNone
        normalFloat <-
            if state[5052] <> 0uy then ValueSome(BinaryPrimitives.ReadSingleLittleEndian(span.Slice 5048))
            else ValueNone
