namespace Fluxion.Random

open System
open System.Buffers.Binary
open System.Runtime.CompilerServices
open System.Threading

/// Holds a generator's lock until disposed (from Generator.Lock()); several draws inside it form one atomic block.
[<Struct>]
type GeneratorLock =
    val private gate: Lock
    internal new(gate: Lock) = { gate = gate }
    /// Releases the lock (once per Lock() call).
    member this.Dispose() = if not (isNull this.gate) then this.gate.Exit()
    interface IDisposable with
        member this.Dispose() = this.Dispose()

/// PyTorch's CPU random generator: an MT19937 engine plus the cached second Box-Muller normals. Safe to share
/// between threads: every sampling operation holds the generator's lock for all of its draws, as PyTorch holds
/// the generator mutex for a whole kernel.
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
    // Reentrant, so a caller holding Lock() can run sampling operations that take it again.
    let gate = Lock()

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

    /// A generator with PyTorch's default seed 67280421310721 (torch.Generator()).
    new() = Generator(67280421310721UL)

    /// A generator seeded like manual_seed(seed): negative seeds wrap modulo 2^64.
    new(seed: int64) = Generator(uint64 seed)

    /// The process-wide generator used by functions that take no explicit generator (torch's default seed).
    static member Default = defaultGenerator

    /// Takes this generator's lock until the result is disposed, so that several operations (reseed and draws)
    /// run as one block no other thread can interleave with; operations inside take it again (it is reentrant).
    member _.Lock() : GeneratorLock =
        Generator.RefuseInCapture()
        gate.Enter()
        new GeneratorLock(gate)

    /// The lock itself, for the sampling code that holds it for a whole operation.
    member internal _.Gate =
        Generator.RefuseInCapture()
        gate

    /// A captured step replays its kernels, not its draws: a draw inside a capture would freeze one sample
    /// (a dropout mask, a noise batch) into every replay.
    static member private RefuseInCapture() =
        if Fluxion.Backend.CaptureState.Capturing then
            raise (NotSupportedException "Tensor.Capture: the step draws random numbers (dropout, rand, randn, a shuffled sampler), and a replay would repeat the capture's draws instead of making new ones. Draw outside the captured step and feed the values in, or run this step without Capture.")

    /// Reseeds the engine; negative seeds wrap modulo 2^64 as in torch.manual_seed, and both cached normals are
    /// cleared. Returns this generator (torch.Generator().manual_seed(42) style).
    member this.ManualSeed(s: int64) : Generator =
        gate.Enter()
        try reseed (uint64 s) finally gate.Exit()
        this

    /// Reseeds the engine with an unsigned seed and clears both cached normals; returns this generator.
    member this.ManualSeed(s: uint64) : Generator =
        gate.Enter()
        try reseed s finally gate.Exit()
        this

    /// The seed last given (modulo 2^64), as torch.initial_seed() reports it.
    member _.InitialSeed = initialSeed

    /// Next tempered output without taking the lock: only for code that already holds Gate.
    // Inlined into the sampling loops (the twist stays a call, once per 624 draws).
    [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
    member internal _.Draw32() : uint32 =
        left <- left - 1
        if left = 0 then twist ()
        let mutable y = words[next]
        next <- next + 1
        y <- y ^^^ (y >>> 11)
        y <- y ^^^ ((y <<< 7) &&& 0x9d2c5680u)
        y <- y ^^^ ((y <<< 15) &&& 0xefc60000u)
        y ^^^ (y >>> 18)

    /// Next 64-bit draw without taking the lock (first 32-bit output is the high word).
    member internal this.Draw64() : uint64 =
        let hi = uint64 (this.Draw32())
        let lo = uint64 (this.Draw32())
        (hi <<< 32) ||| lo

    /// Next tempered 32-bit MT19937 output (one locked draw).
    member this.Next32() : uint32 =
        Generator.RefuseInCapture()
        gate.Enter()
        try this.Draw32() finally gate.Exit()

    /// Next 64-bit draw: the first 32-bit output is the high word (both under one lock).
    member this.Next64() : uint64 =
        Generator.RefuseInCapture()
        gate.Enter()
        try this.Draw64() finally gate.Exit()

    /// Cached double normal of the scalar Box-Muller path (null when absent); read it under Lock() when shared.
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
        gate.Enter()
        try
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
        finally gate.Exit()

    /// Restores a state produced by GetState() or by torch.get_rng_state().
    member _.SetState(state: byte[]) =
        if isNull state then raise (ArgumentNullException("state", sprintf "Generator.SetState: state is null; pass the %d bytes of GetState() or torch.get_rng_state()" stateBytes))
        if state.Length <> stateBytes then
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
        gate.Enter()
        try
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
        finally gate.Exit()
