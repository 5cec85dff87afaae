namespace Fluxion.Kernels

// Inner loops address pinned arrays through native pointers after the public entry points checked every extent.
#nowarn "9"

open System
open System.Buffers
open System.Runtime.Intrinsics
open System.Runtime.Intrinsics.X86
open System.Threading
open System.Threading.Tasks
open System.Runtime.CompilerServices
open Microsoft.FSharp.NativeInterop

/// A register-tile micro-kernel for one element type (see GemmMicro); pointers travel as nativeint because
/// generic nativeptr signatures do not survive interface implementation in F#.
type internal IMicroKernel<'T when 'T: unmanaged> =
    abstract MR: int
    abstract NR: int
    abstract Run:
        kc: int * pa: nativeint * ars: int * acs: int * pb: nativeint * pc: nativeint * ldc: int * mr: int * nr: int * alpha: 'T *
        fresh: bool * tmp: nativeint ->
            unit

/// Row-major general matrix multiply C = alpha*op(A)*op(B) + beta*C (BLAS semantics) for float32 and float64.
/// Results are bit-reproducible: every C element is accumulated as fma(a_p, b_p, acc) for p = 0..k-1 within fixed
/// blocks of 256 k-steps, then folded in as fma(alpha, acc, C); neither the thread count, the size-dependent path
/// nor the instruction set changes that order.
module MatMul =

    /// Upper bound on worker threads used by one large product; 1 forces single-threaded execution.
    let mutable maxThreads = Environment.ProcessorCount

    /// Micro-kernel instruction set: 2 = AVX-512, 1 = AVX2+FMA, 0 = portable scalar (lower it to test fallbacks);
    /// below 2 the exact small products (`ExactMatMul`) keep to 256-bit vectors too.
    let mutable simdLevel = if Avx512F.IsSupported then 2 elif Fma.IsSupported then 1 else 0

    // k-block depth: a 256 x 32 float32 B micro-panel (32 KiB) streams through the 32 KiB L1d per k-block while
    // the 6 x 256 A micro-panel stays resident. Changing KC changes the summation blocking (and thus the bits).
    [<Literal>]
    let private KC = 256

    // m-block: 120 x 256 float32 A block = 120 KiB, well inside the 1 MiB L2 per core.
    [<Literal>]
    let private MC = 120

    // n-block: 256 x 4096 B block = 4 MiB (float32), resident in the 32 MiB shared L3.
    [<Literal>]
    let private NC = 4096

    /// Products with m*n*k at most this (and k <= 256) use the direct, allocation-free loop path.
    let mutable smallWork = 32768L

    /// Products with m*n*k at least this may be split across threads.
    let mutable parallelWork = 2097152L

    // ------------------------------------------------------------------ validation

    let private fail (fn: string) (msg: string) : unit = raise (ArgumentException(fn + ": " + msg))

    let private checkDims (fn: string) (m: int) (n: int) (k: int) =
        if m < 0 || n < 0 || k < 0 then
            fail fn (sprintf "dimensions must be non-negative, got m=%d n=%d k=%d" m n k)

    /// Checks that a stored rows x cols operand with leading dimension ld, starting at off (+ extra for the last
    /// batch item), fits in an array of length len.
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let private checkOperand
        (fn: string) (name: string) (arr: 'T[]) (off: int) (extra: int64) (rows: int) (cols: int) (ld: int) =
        if isNull arr then raise (ArgumentNullException(name, fn + ": array " + name + " is null"))
        if off < 0 then fail fn (sprintf "offset of %s must be >= 0, got %d" name off)
        if ld < max 1 cols then
            fail fn (sprintf "ld of %s must be >= max(1, %d) (row length of the stored %dx%d matrix), got %d" name cols rows cols ld)
        if rows > 0 && cols > 0 then
            let need = int64 off + extra + int64 (rows - 1) * int64 ld + int64 cols
            if need > int64 arr.Length then
                fail fn (sprintf "%s (stored %dx%d, ld=%d, offset=%d) needs %d elements but its length is %d" name rows cols ld (int64 off + extra) need arr.Length)

    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let private checkAll fn transA transB m n k (a: 'T[]) aOff lda eA (b: 'T[]) bOff ldb eB (c: 'T[]) cOff ldc eC =
        checkDims fn m n k
        if transA then checkOperand fn "A" a aOff eA k m lda else checkOperand fn "A" a aOff eA m k lda
        if transB then checkOperand fn "B" b bOff eB n k ldb else checkOperand fn "B" b bOff eB k n ldb
        checkOperand fn "C" c cOff eC m n ldc

    // ------------------------------------------------------------------ packing (type-generic copies)

    /// Packs op(A)[ic.., pc..] (mc x kc) into panels of mr rows, p-major inside a panel, zero-padding the last panel.
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let private packA (a: 'T[]) aOff ars acs ic mc pc kc mr (ap: 'T[]) =
        let mutable ir = 0
        while ir < mc do
            let rows = min mr (mc - ir)
            let dst = ir * kc
            if acs = 1 then
                for r in 0 .. rows - 1 do
                    let src = aOff + (ic + ir + r) * ars + pc
                    for p in 0 .. kc - 1 do
                        ap[dst + p * mr + r] <- a[src + p]
            else
                for p in 0 .. kc - 1 do
                    let src = aOff + (ic + ir) * ars + (pc + p) * acs
                    let d = dst + p * mr
                    for r in 0 .. rows - 1 do
                        ap[d + r] <- a[src + r * ars]
            if rows < mr then
                for p in 0 .. kc - 1 do
                    for r in rows .. mr - 1 do
                        ap[dst + p * mr + r] <- Unchecked.defaultof<'T>
            ir <- ir + mr

    /// Packs op(B)[pc.., jc..] (kc x nc) into panels of nr columns, p-major inside a panel, zero-padding the last.
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let private packB (b: 'T[]) bOff brs bcs pc kc jc nc nr (bp: 'T[]) =
        let mutable jr = 0
        while jr < nc do
            let cols = min nr (nc - jr)
            let dst = jr * kc
            if bcs = 1 then
                for p in 0 .. kc - 1 do
                    Span<'T>(b, bOff + (pc + p) * brs + jc + jr, cols).CopyTo(Span<'T>(bp, dst + p * nr, cols))
            else
                for j in 0 .. cols - 1 do
                    let src = bOff + (jc + jr + j) * bcs + pc * brs
                    for p in 0 .. kc - 1 do
                        bp[dst + p * nr + j] <- b[src + p * brs]
            if cols < nr then
                for p in 0 .. kc - 1 do
                    Span<'T>(bp, dst + p * nr + cols, nr - cols).Clear()
            jr <- jr + nr

    let inline private roundUp (x: int) (q: int) = (x + q - 1) / q * q

    /// Whether a transposed A (contiguous columns) may be read in place by the micro-kernel instead of being packed
    /// (where measured faster; see packedSlice); the bits are the same either way.
    let mutable transposedInPlace = true

    /// Computes C[m0..m1, n0..n1] += alpha * op(A) op(B) with packed B blocks (= with overwrite, whatever C held);
    /// one call per thread. op(A) with contiguous rows (acs = 1) is read in place by the micro-kernel (its MC x KC
    /// block stays in L2 just as a packed copy would), which saves the packing pass; a transposed A is packed into
    /// MR-row panels.
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let private packedSlice
        (micro: IMicroKernel<'T>) m0 m1 n0 n1 k (alpha: 'T) (a: 'T[]) aOff ars acs (b: 'T[]) bOff brs bcs
        (overwrite: bool) (c: 'T[]) cOff ldc =
        let mr = micro.MR
        let nr = micro.NR
        let kcMax = min KC k
        let mcMax = min MC (roundUp (m1 - m0) mr)
        let ncMax = min NC (roundUp (n1 - n0) nr)
        let pool = ArrayPool<'T>.Shared
        // A transposed A read in place gathers each step's MR values from MR adjacent columns, one cache line per
        // k-step; measured faster than packing it unless the column stride is a multiple of 4 KiB (lines alias in
        // L1/L2) and B is wide enough for the packed copy to be reused often.
        let direct =
            acs = 1
            || (transposedInPlace && ars = 1
                && (n1 - n0 <= 128 || (n1 - n0 <= 1024 && (acs * sizeof<'T>) % 4096 <> 0)))
        let ap = pool.Rent(if direct then 1 else mcMax * kcMax)
        let bp = pool.Rent(kcMax * ncMax)
        let tmp = pool.Rent(mr * nr + 64)
        try
            use pap = fixed ap
            use pbp = fixed bp
            use ptmp = fixed tmp
            use pc0 = fixed c
            use pa0 = fixed a
            let mutable jc = n0
            while jc < n1 do
                let nc = min NC (n1 - jc)
                let mutable pc = 0
                while pc < k do
                    let kc = min KC (k - pc)
                    packB b bOff brs bcs pc kc jc nc nr bp
                    let mutable ic = m0
                    while ic < m1 do
                        let mc = min MC (m1 - ic)
                        if not direct then packA a aOff ars acs ic mc pc kc mr ap
                        let mutable jr = 0
                        while jr < nc do
                            let nrr = min nr (nc - jr)
                            let pb = NativePtr.add pbp (jr * kc)
                            let mutable ir = 0
                            while ir < mc do
                                let pcc = NativePtr.add pc0 (cOff + (ic + ir) * ldc + jc + jr)
                                let pa, rs, cs =
                                    if direct then NativePtr.add pa0 (aOff + (ic + ir) * ars + pc * acs), ars, acs
                                    else NativePtr.add pap (ir * kc), 1, mr
                                micro.Run(kc, NativePtr.toNativeInt pa, rs, cs, NativePtr.toNativeInt pb, NativePtr.toNativeInt pcc, ldc, min mr (mc - ir), nrr, alpha, (overwrite && pc = 0), NativePtr.toNativeInt ptmp)
                                ir <- ir + mr
                            jr <- jr + nr
                        ic <- ic + MC
                    pc <- pc + KC
                jc <- jc + NC
        finally
            pool.Return tmp
            pool.Return bp
            pool.Return ap

    /// Runs one job at a time on a long-lived background thread, so that a product split in two runs one half on
    /// the caller and the other here: waking one parked thread costs less than a Parallel.For over the thread pool.
    /// Whoever is free first claims the second half, so a helper that the OS has not scheduled yet delays nothing.
    type private Helper() as this =
        let go = new ManualResetEventSlim(false, 2047)
        let finished = new ManualResetEventSlim(false, 2047)
        // 1 from a caller's claim of the helper until the helper has consumed that wake-up (the helper clears it).
        let mutable busy = 0
        // 0 while the second half is unclaimed; the caller or the helper sets it to 1 and runs that half.
        let mutable claimed = 1
        let mutable job: Action = null
        let mutable error: exn = null
        do
            let t = Thread((fun () -> this.Loop()), IsBackground = true, Name = "Fluxion gemm helper")
            t.Start()

        member private _.Loop() =
            while true do
                go.Wait()
                go.Reset()
                if Interlocked.CompareExchange(&claimed, 1, 0) = 0 then
                    try job.Invoke()
                    with e -> error <- e
                job <- null
                finished.Set()
                Volatile.Write(&busy, 0)

        /// Runs mine on the calling thread and theirs on the helper (or on the caller if the helper has not started
        /// it by then); returns false, running neither, when another product holds the helper.
        member _.TryRun(mine: Action, theirs: Action) : bool =
            if Interlocked.CompareExchange(&busy, 1, 0) <> 0 then false
            else
                job <- theirs
                error <- null
                finished.Reset()
                Volatile.Write(&claimed, 0)
                go.Set()
                let mutable own: exn = null
                try mine.Invoke() with e -> own <- e
                if Interlocked.CompareExchange(&claimed, 1, 0) = 0 then
                    try theirs.Invoke() with e -> if isNull own then own <- e
                else
                    finished.Wait()
                    if isNull own then own <- error
                if not (isNull own) then Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(own).Throw()
                true

    let private helper = lazy (Helper())

    /// Whether a product split in exactly two bands runs its second band on the dedicated helper thread (true) or
    /// through Parallel.For (false); both compute the same bits. FLUXION_GEMM_HELPER=0 starts it false (for A/B timing).
    let mutable useHelper = Environment.GetEnvironmentVariable "FLUXION_GEMM_HELPER" <> "0"

    /// Bands per worker thread when a product is split (1 = one band each, the measured choice on a quiet machine);
    /// with more, workers take bands as they free up, so a core busy elsewhere delays the product by its share only.
    let mutable bandsPerThread = 1

    /// Splits C into tile-aligned row or column bands and runs packedSlice on each, at most `threads` at a time.
    /// Bands never change what is computed for an element, only which thread computes it.
    let private packed
        (micro: IMicroKernel<'T>) threads m n k (alpha: 'T) (a: 'T[]) aOff ars acs (b: 'T[]) bOff brs bcs
        (overwrite: bool) (c: 'T[]) cOff ldc =
        let work = int64 m * int64 n * int64 k
        let t = if threads > 1 && work >= parallelWork then threads else 1
        if t = 1 then
            packedSlice micro 0 m 0 n k alpha a aOff ars acs b bOff brs bcs overwrite c cOff ldc
        else
            let byColumns = n >= m
            let extent, tile = if byColumns then n, micro.NR else m, micro.MR
            // Bands of at least two tiles; never fewer bands than threads allow.
            let bands = max 1 (min (t * max 1 bandsPerThread) (extent / (2 * tile)))
            let band = roundUp ((extent + bands - 1) / bands) tile
            let count = (extent + band - 1) / band
            let run i =
                let lo = i * band
                let hi = min extent (lo + band)
                if lo < hi then
                    if byColumns then packedSlice micro 0 m lo hi k alpha a aOff ars acs b bOff brs bcs overwrite c cOff ldc
                    else packedSlice micro lo hi 0 n k alpha a aOff ars acs b bOff brs bcs overwrite c cOff ldc
            if not (count = 2 && useHelper && helper.Value.TryRun(Action(fun () -> run 0), Action(fun () -> run 1))) then
                let opts = ParallelOptions(MaxDegreeOfParallelism = t)
                Parallel.For(0, count, opts, fun i -> run i) |> ignore

    let private threadCount () = max 1 (min maxThreads Environment.ProcessorCount)

    // ------------------------------------------------------------------ float32

    let private micro32 =
        { new IMicroKernel<float32> with
            member _.MR = GemmMicro.MR32
            member _.NR = GemmMicro.NR32
            member _.Run(kc, pa0, ars, acs, pb0, pc0, ldc, mr, nr, alpha, fresh, tmp0) =
                let pa = NativePtr.ofNativeInt<float32> pa0
                let pb = NativePtr.ofNativeInt<float32> pb0
                let pc = NativePtr.ofNativeInt<float32> pc0
                let tmp = NativePtr.ofNativeInt<float32> tmp0
                match simdLevel with
                | 2 when Avx512F.IsSupported -> GemmMicro.kernel32Avx512 kc pa ars acs pb pc ldc mr nr alpha fresh tmp
                | 1 | 2 when Fma.IsSupported -> GemmMicro.kernel32Avx2 kc pa ars acs pb pc ldc mr nr alpha fresh tmp
                | _ -> GemmMicro.kernel32Scalar kc pa ars acs pb pc ldc mr nr alpha fresh }

    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let private scale32 (beta: float32) (c: float32[]) cOff ldc m n =
        if beta = 0.0f then
            for i in 0 .. m - 1 do
                Span<float32>(c, cOff + i * ldc, n).Clear()
        elif beta <> 1.0f then
            for i in 0 .. m - 1 do
                let row = cOff + i * ldc
                for j in row .. row + n - 1 do
                    c[j] <- beta * c[j]

    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    // Returns true so that callers' calls are not tail calls: F# would emit .tail, and the runtime's helper for
    // tail calls with this many arguments costs more than a whole tiny product.
    let private gemm32Core threads transA transB m n k (alpha: float32) a aOff lda b bOff ldb (beta: float32) c cOff ldc =
        if m > 0 && n > 0 then
            if k = 0 || alpha = 0.0f then
                scale32 beta c cOff ldc m n
            else
                let ars = if transA then 1 else lda
                let acs = if transA then lda else 1
                let brs = if transB then 1 else ldb
                let bcs = if transB then ldb else 1
                if k <= KC && int64 m * int64 n * int64 k <= smallWork then
                    GemmSmall.gemm32 (simdLevel >= 1) m n k alpha a aOff ars acs b bOff brs bcs beta c cOff ldc
                else
                    // With beta = 0 the first k-block stores instead of accumulating: no clearing pass over C.
                    if beta <> 0.0f then scale32 beta c cOff ldc m n
                    packed micro32 threads m n k alpha a aOff ars acs b bOff brs bcs (beta = 0.0f) c cOff ldc
        true

    /// C = alpha*op(A)*op(B) + beta*C for row-major float32 matrices; op(X) is X or its transpose, op(A) is m x k,
    /// op(B) is k x n, ld* are row strides of the stored matrices; beta = 0 overwrites C (NaNs in C are ignored).
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let gemm32
        (transA: bool) (transB: bool) (m: int) (n: int) (k: int) (alpha: float32) (a: float32[]) (aOff: int) (lda: int)
        (b: float32[]) (bOff: int) (ldb: int) (beta: float32) (c: float32[]) (cOff: int) (ldc: int) : unit =
        checkAll "MatMul.gemm32" transA transB m n k a aOff lda 0L b bOff ldb 0L c cOff ldc 0L
        gemm32Core (threadCount ()) transA transB m n k alpha a aOff lda b bOff ldb beta c cOff ldc |> ignore

    // ------------------------------------------------------------------ float64

    let private micro64 =
        { new IMicroKernel<float> with
            member _.MR = GemmMicro.MR64
            member _.NR = GemmMicro.NR64
            member _.Run(kc, pa0, ars, acs, pb0, pc0, ldc, mr, nr, alpha, fresh, tmp0) =
                let pa = NativePtr.ofNativeInt<float> pa0
                let pb = NativePtr.ofNativeInt<float> pb0
                let pc = NativePtr.ofNativeInt<float> pc0
                let tmp = NativePtr.ofNativeInt<float> tmp0
                match simdLevel with
                | 2 when Avx512F.IsSupported -> GemmMicro.kernel64Avx512 kc pa ars acs pb pc ldc mr nr alpha fresh tmp
                | 1 | 2 when Fma.IsSupported -> GemmMicro.kernel64Avx2 kc pa ars acs pb pc ldc mr nr alpha fresh tmp
                | _ -> GemmMicro.kernel64Scalar kc pa ars acs pb pc ldc mr nr alpha fresh }

    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let private scale64 (beta: float) (c: float[]) cOff ldc m n =
        if beta = 0.0 then
            for i in 0 .. m - 1 do
                Span<float>(c, cOff + i * ldc, n).Clear()
        elif beta <> 1.0 then
            for i in 0 .. m - 1 do
                let row = cOff + i * ldc
                for j in row .. row + n - 1 do
                    c[j] <- beta * c[j]

    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    // Returns true so that callers' calls are not tail calls: F# would emit .tail, and the runtime's helper for
    // tail calls with this many arguments costs more than a whole tiny product.
    let private gemm64Core threads transA transB m n k (alpha: float) a aOff lda b bOff ldb (beta: float) c cOff ldc =
        if m > 0 && n > 0 then
            if k = 0 || alpha = 0.0 then
                scale64 beta c cOff ldc m n
            else
                let ars = if transA then 1 else lda
                let acs = if transA then lda else 1
                let brs = if transB then 1 else ldb
                let bcs = if transB then ldb else 1
                if k <= KC && int64 m * int64 n * int64 k <= smallWork then
                    GemmSmall.gemm64 (simdLevel >= 1) m n k alpha a aOff ars acs b bOff brs bcs beta c cOff ldc
                else
                    // With beta = 0 the first k-block stores instead of accumulating: no clearing pass over C.
                    if beta <> 0.0 then scale64 beta c cOff ldc m n
                    packed micro64 threads m n k alpha a aOff ars acs b bOff brs bcs (beta = 0.0) c cOff ldc
        true

    /// C = alpha*op(A)*op(B) + beta*C for row-major float64 matrices (same conventions as gemm32).
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let gemm64
        (transA: bool) (transB: bool) (m: int) (n: int) (k: int) (alpha: float) (a: float[]) (aOff: int) (lda: int)
        (b: float[]) (bOff: int) (ldb: int) (beta: float) (c: float[]) (cOff: int) (ldc: int) : unit =
        checkAll "MatMul.gemm64" transA transB m n k a aOff lda 0L b bOff ldb 0L c cOff ldc 0L
        gemm64Core (threadCount ()) transA transB m n k alpha a aOff lda b bOff ldb beta c cOff ldc |> ignore

    // ------------------------------------------------------------------ batched

    let private checkBatch fn batch strideA strideB strideC m n ldc =
        if batch < 0 then fail fn (sprintf "batch must be >= 0, got %d" batch)
        if strideA < 0 || strideB < 0 || strideC < 0 then
            fail fn (sprintf "batch strides must be >= 0, got strideA=%d strideB=%d strideC=%d" strideA strideB strideC)
        // Distinct batch items must write disjoint C blocks, otherwise results would depend on scheduling.
        if batch > 1 && m > 0 && n > 0 && int64 strideC < int64 (m - 1) * int64 ldc + int64 n then
            fail fn (sprintf "strideC=%d makes C blocks of %dx%d (ldc=%d) overlap across the batch" strideC m n ldc)

    let inline private extent (batch: int) (stride: int) = if batch > 0 then int64 (batch - 1) * int64 stride else 0L

    /// Runs gemm over a batch; item i uses offsets aOff + i*strideA, bOff + i*strideB, cOff + i*strideC
    /// (stride 0 broadcasts an operand; C blocks must not overlap).
    let private batched
        (core: int -> int -> unit) (batch: int) (m: int) (n: int) (k: int) =
        let threads = threadCount ()
        let work = int64 m * int64 n * int64 k
        if threads > 1 && batch > 1 && work < parallelWork && work * int64 batch >= parallelWork then
            // Items are independent and each is computed single-threaded in its fixed order: bits are unchanged.
            Parallel.For(0, batch, ParallelOptions(MaxDegreeOfParallelism = threads), fun i -> core 1 i) |> ignore
        else
            for i in 0 .. batch - 1 do
                core threads i

    /// Batched gemm32: for i in 0..batch-1, C_i = alpha*op(A_i)*op(B_i) + beta*C_i with X_i starting at
    /// xOff + i*strideX; a stride of 0 broadcasts that operand (not allowed for C when batch > 1).
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let batchedGemm32
        (batch: int) (transA: bool) (transB: bool) (m: int) (n: int) (k: int) (alpha: float32)
        (a: float32[]) (aOff: int) (lda: int) (strideA: int) (b: float32[]) (bOff: int) (ldb: int) (strideB: int)
        (beta: float32) (c: float32[]) (cOff: int) (ldc: int) (strideC: int) : unit =
        let fn = "MatMul.batchedGemm32"
        checkBatch fn batch strideA strideB strideC m n ldc
        if batch > 0 then
            checkAll fn transA transB m n k a aOff lda (extent batch strideA) b bOff ldb (extent batch strideB) c cOff ldc (extent batch strideC)
            batched
                (fun threads i ->
                    gemm32Core threads transA transB m n k alpha a (aOff + i * strideA) lda b (bOff + i * strideB) ldb beta c (cOff + i * strideC) ldc
                    |> ignore)
                batch m n k

    /// Batched gemm64 (same conventions as batchedGemm32).
    [<MethodImpl(MethodImplOptions.AggressiveOptimization)>]
    let batchedGemm64
        (batch: int) (transA: bool) (transB: bool) (m: int) (n: int) (k: int) (alpha: float)
        (a: float[]) (aOff: int) (lda: int) (strideA: int) (b: float[]) (bOff: int) (ldb: int) (strideB: int)
        (beta: float) (c: float[]) (cOff: int) (ldc: int) (strideC: int) : unit =
        let fn = "MatMul.batchedGemm64"
        checkBatch fn batch strideA strideB strideC m n ldc
        if batch > 0 then
            checkAll fn transA transB m n k a aOff lda (extent batch strideA) b bOff ldb (extent batch strideB) c cOff ldc (extent batch strideC)
            batched
                (fun threads i ->
                    gemm64Core threads transA transB m n k alpha a (aOff + i * strideA) lda b (bOff + i * strideB) ldb beta c (cOff + i * strideC) ldc
                    |> ignore)
                batch m n k
