module Kernels.MatMulTests

open System
open Expecto
open Fluxion.Kernels

/// A gemm problem with explicit storage: op(A) is m x k, op(B) is k x n, strides and offsets as in BLAS.
type private Case =
    { TransA: bool; TransB: bool; M: int; N: int; K: int
      Lda: int; Ldb: int; Ldc: int; AOff: int; BOff: int; COff: int }

let private makeCase (rng: Random) transA transB m n k (padded: bool) =
    let pad () = if padded then rng.Next(0, 4) else 0
    let aCols = if transA then m else k
    let bCols = if transB then k else n
    { TransA = transA; TransB = transB; M = m; N = n; K = k
      Lda = max 1 aCols + pad (); Ldb = max 1 bCols + pad (); Ldc = max 1 n + pad ()
      AOff = pad (); BOff = pad (); COff = pad () }

let private lengths (c: Case) =
    let aRows = if c.TransA then c.K else c.M
    let bRows = if c.TransB then c.N else c.K
    c.AOff + aRows * c.Lda, c.BOff + bRows * c.Ldb, c.COff + c.M * c.Ldc

let private aAt (c: Case) (a: float[]) i p = if c.TransA then a[c.AOff + p * c.Lda + i] else a[c.AOff + i * c.Lda + p]
let private bAt (c: Case) (b: float[]) p j = if c.TransB then b[c.BOff + j * c.Ldb + p] else b[c.BOff + p * c.Ldb + j]

/// Naive triple loop in float64 plus a rounding-error bound per element: (exact value, sum of |terms|).
let private reference (c: Case) alpha (a: float[]) (b: float[]) beta (c0: float[]) =
    let exact = Array2D.zeroCreate c.M c.N
    let scale = Array2D.zeroCreate c.M c.N
    for i in 0 .. c.M - 1 do
        for j in 0 .. c.N - 1 do
            let mutable s = 0.0
            let mutable abs = 0.0
            for p in 0 .. c.K - 1 do
                let t = aAt c a i p * bAt c b p j
                s <- s + t
                abs <- abs + Math.Abs t
            let cv = if beta = 0.0 then 0.0 else beta * c0[c.COff + i * c.Ldc + j]
            exact[i, j] <- alpha * s + cv
            scale[i, j] <- Math.Abs alpha * abs + Math.Abs cv
    exact, scale

let private randomArray (rng: Random) len = Array.init len (fun _ -> rng.NextDouble() * 2.0 - 1.0)

let private sentinel = 7.25

/// Runs gemm32 and gemm64 on one case and checks values, untouched padding of C, and repeatability.
let private checkCase (rng: Random) (c: Case) alpha beta =
    let la, lb, lc = lengths c
    let a = randomArray rng la
    let b = randomArray rng lb
    let c0 = Array.create lc sentinel
    for i in 0 .. c.M - 1 do
        for j in 0 .. c.N - 1 do
            c0[c.COff + i * c.Ldc + j] <- if beta = 0.0 then nan else rng.NextDouble() * 2.0 - 1.0
    let a32 = Array.map float32 a
    let b32 = Array.map float32 b
    let exact, scale = reference c alpha (Array.map (float32 >> float) a) (Array.map (float32 >> float) b) beta (Array.map (float32 >> float) c0)
    let c32 = Array.map float32 c0
    MatMul.gemm32 c.TransA c.TransB c.M c.N c.K (float32 alpha) a32 c.AOff c.Lda b32 c.BOff c.Ldb (float32 beta) c32 c.COff c.Ldc
    let exact64, scale64 = reference c alpha a b beta c0
    let c64 = Array.copy c0
    MatMul.gemm64 c.TransA c.TransB c.M c.N c.K alpha a c.AOff c.Lda b c.BOff c.Ldb beta c64 c.COff c.Ldc
    let inside idx =
        let r = idx - c.COff
        r >= 0 && r / c.Ldc < c.M && r % c.Ldc < c.N
    for idx in 0 .. lc - 1 do
        if inside idx then
            let i = (idx - c.COff) / c.Ldc
            let j = (idx - c.COff) % c.Ldc
            let tol32 = float (c.K + 2) * 1.2e-7 * scale[i, j] + 1e-30
            let err32 = Math.Abs(float c32[idx] - exact[i, j])
            if not (err32 <= tol32) then
                failtestf "gemm32 %A alpha=%g beta=%g: C[%d,%d]=%.9g expected %.9g (tol %.3g)" c alpha beta i j c32[idx] exact[i, j] tol32
            let tol64 = float (c.K + 2) * 2.3e-16 * scale64[i, j] + 1e-300
            let err64 = Math.Abs(c64[idx] - exact64[i, j])
            if not (err64 <= tol64) then
                failtestf "gemm64 %A alpha=%g beta=%g: C[%d,%d]=%.17g expected %.17g (tol %.3g)" c alpha beta i j c64[idx] exact64[i, j] tol64
        else
            if c32[idx] <> float32 sentinel || c64[idx] <> sentinel then
                failtestf "gemm %A wrote outside the C window at index %d" c idx
    // Same inputs again: identical bits.
    let again = Array.map float32 c0
    MatMul.gemm32 c.TransA c.TransB c.M c.N c.K (float32 alpha) a32 c.AOff c.Lda b32 c.BOff c.Ldb (float32 beta) again c.COff c.Ldc
    Expect.sequenceEqual (Array.map BitConverter.SingleToInt32Bits again) (Array.map BitConverter.SingleToInt32Bits c32) "repeat call gives identical bits"

let private shapes = [ 1; 2; 3; 5; 7; 8; 13; 16; 31; 33; 47 ]

/// Runs gemm32 with the current global settings and returns C's bit patterns.
let private bits32 (c: Case) (a: float32[]) (b: float32[]) (cInit: float32[]) alpha beta =
    let cc = Array.copy cInit
    MatMul.gemm32 c.TransA c.TransB c.M c.N c.K alpha a c.AOff c.Lda b c.BOff c.Ldb beta cc c.COff c.Ldc
    Array.map BitConverter.SingleToInt32Bits cc

let private bits64 (c: Case) (a: float[]) (b: float[]) (cInit: float[]) alpha beta =
    let cc = Array.copy cInit
    MatMul.gemm64 c.TransA c.TransB c.M c.N c.K alpha a c.AOff c.Lda b c.BOff c.Ldb beta cc c.COff c.Ldc
    Array.map BitConverter.DoubleToInt64Bits cc

/// Restores the tuning knobs after a test changed them.
let private withSettings (threads: int) (level: int) (small: int64) (f: unit -> 'R) =
    let t0, l0, s0 = MatMul.maxThreads, MatMul.simdLevel, MatMul.smallWork
    MatMul.maxThreads <- threads
    MatMul.simdLevel <- level
    MatMul.smallWork <- small
    try f ()
    finally
        MatMul.maxThreads <- t0
        MatMul.simdLevel <- l0
        MatMul.smallWork <- s0

let private expectArgError (what: string) (f: unit -> unit) (fragment: string) =
    let message =
        try
            f ()
            None
        with :? ArgumentException as e -> Some e.Message
    match message with
    | None -> failtestf "%s: expected an ArgumentException" what
    | Some m -> Expect.stringContains m fragment (what + ": the message names the problem")

/// The exact products' definition in float32: per output, 0 + a0*b0, then + a1*b1, ... in order, unfused.
let private inOrder32 (a: float32[]) (b: float32[]) m n k (transA: bool) (transB: bool) =
    Array.init (m * n) (fun o ->
        let i, j = o / n, o % n
        let mutable s = 0.0f
        for p in 0 .. k - 1 do
            s <- s + (if transA then a.[p * m + i] else a.[i * k + p]) * (if transB then b.[j * k + p] else b.[p * n + j])
        s)

/// Runs f with the 512-bit exact kernel allowed (where the machine has it) and with it barred (MatMul.simdLevel
/// below 2), so the 256-bit kernels stay covered on an AVX-512 machine.
let private withWide (f: bool -> unit) =
    let saved = MatMul.simdLevel
    try
        for wide in (if Runtime.Intrinsics.Vector512.IsHardwareAccelerated && saved >= 2 then [ true; false ] else [ false ]) do
            MatMul.simdLevel <- (if wide then 2 else min saved 1)
            f wide
    finally MatMul.simdLevel <- saved

[<Tests>]
let tests =
    testSequenced <| testList "Kernels.MatMul" [
        testCase "small float32 products of every shape class (each kernel the size picks: few outputs, k = 1, tall narrow, 9-16 columns) are the in-order sums, bit for bit" <| fun () ->
            let rng = Random 21
            // Signed zeros and tiny values exercise the 0 + a*b start; the rest are ordinary values.
            let draw () =
                match rng.Next 8 with
                | 0 -> 0.0f
                | 1 -> -0.0f
                | 2 -> float32 (rng.NextDouble() - 0.5) * 1e-30f
                | _ -> float32 (rng.NextDouble() * 4.0 - 2.0)
            withWide <| fun wide ->
            for m in [ 1; 2; 3; 7; 8; 9; 10; 15; 16; 17; 31; 100; 129 ] do
                for n in [ 1; 2; 3; 4; 5; 8; 9; 10; 15; 16; 17 ] do
                    for k in [ 1; 2; 3; 10; 16; 100 ] do
                        for ta in [ false; true ] do
                            for tb in [ false; true ] do
                                let a = Array.init (m * k) (fun _ -> draw ())
                                let b = Array.init (k * n) (fun _ -> draw ())
                                let ra = Fluxion.Backend.ManagedBackend.Instance.OfFloat32(a, (if ta then [| k; m |] else [| m; k |]))
                                let rb = Fluxion.Backend.ManagedBackend.Instance.OfFloat32(b, (if tb then [| n; k |] else [| k; n |]))
                                let got = ra.MatMul(rb, ta, tb).ToFloat32Array() |> Array.map BitConverter.SingleToInt32Bits
                                let want = inOrder32 a b m n k ta tb |> Array.map BitConverter.SingleToInt32Bits
                                Expect.sequenceEqual got want (sprintf "%d x %d x %d, transA %b, transB %b, 512-bit %b" m n k ta tb wide)

        testCase "small float64 products of every shape class (one to two vectors of 4 columns included) are the in-order sums, bit for bit" <| fun () ->
            let rng = Random 22
            let draw () =
                match rng.Next 8 with
                | 0 -> 0.0
                | 1 -> -0.0
                | 2 -> (rng.NextDouble() - 0.5) * 1e-300
                | _ -> rng.NextDouble() * 4.0 - 2.0
            let inOrder64 (a: float[]) (b: float[]) m n k (transA: bool) (transB: bool) =
                Array.init (m * n) (fun o ->
                    let i, j = o / n, o % n
                    let mutable s = 0.0
                    for p in 0 .. k - 1 do
                        s <- s + (if transA then a.[p * m + i] else a.[i * k + p]) * (if transB then b.[j * k + p] else b.[p * n + j])
                    s)
            withWide <| fun wide ->
            for m in [ 1; 2; 5; 6; 7; 13 ] do
                for n in [ 1; 3; 4; 5; 6; 7; 8; 9 ] do
                    for k in [ 1; 2; 7; 16 ] do
                        for ta in [ false; true ] do
                            for tb in [ false; true ] do
                                let a = Array.init (m * k) (fun _ -> draw ())
                                let b = Array.init (k * n) (fun _ -> draw ())
                                let ra = Fluxion.Backend.ManagedBackend.Instance.OfFloat64(a, (if ta then [| k; m |] else [| m; k |]))
                                let rb = Fluxion.Backend.ManagedBackend.Instance.OfFloat64(b, (if tb then [| n; k |] else [| k; n |]))
                                let got = ra.MatMul(rb, ta, tb).ToDoubleArray() |> Array.map BitConverter.DoubleToInt64Bits
                                let want = inOrder64 a b m n k ta tb |> Array.map BitConverter.DoubleToInt64Bits
                                Expect.sequenceEqual got want (sprintf "%d x %d x %d, transA %b, transB %b, 512-bit %b" m n k ta tb wide)
        testCase "small shapes, all transposes, padded strides and offsets match a float64 triple loop" <| fun () ->
            let rng = Random 11
            for m in shapes do
                for n in shapes do
                    let k = shapes[rng.Next shapes.Length]
                    let ta = rng.Next 2 = 1
                    let tb = rng.Next 2 = 1
                    checkCase rng (makeCase rng ta tb m n k (rng.Next 2 = 1)) 1.0 0.0

        testCase "k in 1..10 with m up to 100 (the course's shapes) matches the triple loop" <| fun () ->
            let rng = Random 12
            for m in [ 1; 4; 99; 100 ] do
                for n in 1 .. 10 do
                    for k in 1 .. 10 do
                        checkCase rng (makeCase rng false (k % 2 = 0) m n k false) 1.0 0.0

        testCase "alpha and beta cases, including beta = 0 over NaN and alpha = 0" <| fun () ->
            let rng = Random 13
            for (alpha, beta) in [ (1.0, 1.0); (-0.5, 0.25); (2.0, 0.0); (0.0, 0.5); (0.0, 0.0); (1.5, -1.0) ] do
                for (m, n, k) in [ (3, 4, 5); (37, 41, 29); (70, 66, 300) ] do
                    for ta in [ false; true ] do
                        for tb in [ false; true ] do
                            checkCase rng (makeCase rng ta tb m n k true) alpha beta

        testCase "large shapes crossing the k, m and n block sizes match the triple loop" <| fun () ->
            let rng = Random 14
            for (m, n, k) in [ (129, 70, 257); (7, 133, 513); (250, 33, 100); (121, 97, 64); (64, 64, 64); (1, 300, 300); (300, 1, 300) ] do
                for ta in [ false; true ] do
                    for tb in [ false; true ] do
                        checkCase rng (makeCase rng ta tb m n k true) 1.0 0.5

        testCase "row-major A read in place: row tails of 1..5, A ending at the array's end, padded lda, k across KC" <| fun () ->
            // The packed path reads a row-major op(A) where it lies; rows past a short tile must not be read, so A is
            // cut right after its last element (any over-read would leave the array).
            let rng = Random 18
            for (m, n, k) in [ (1, 40, 300); (2, 33, 513); (3, 70, 257); (4, 32, 600); (5, 65, 300); (7, 48, 260); (13, 97, 511); (127, 64, 300) ] do
                for tb in [ false; true ] do
                    let lda = k + rng.Next(0, 5)
                    let c = { makeCase rng false tb m n k true with Lda = lda }
                    let _, lb, lc = lengths c
                    let la = c.AOff + (m - 1) * lda + k
                    let a = randomArray rng la
                    let b = randomArray rng lb
                    let c0 = Array.init lc (fun _ -> rng.NextDouble() * 2.0 - 1.0)
                    let a32, b32 = Array.map float32 a, Array.map float32 b
                    let exact, scale = reference c -1.25 (Array.map (float32 >> float) a) (Array.map (float32 >> float) b) 0.5 (Array.map (float32 >> float) c0)
                    let c32 = Array.map float32 c0
                    MatMul.gemm32 false tb m n k -1.25f a32 c.AOff lda b32 c.BOff c.Ldb 0.5f c32 c.COff c.Ldc
                    let exact64, scale64 = reference c -1.25 a b 0.5 c0
                    let c64 = Array.copy c0
                    MatMul.gemm64 false tb m n k -1.25 a c.AOff lda b c.BOff c.Ldb 0.5 c64 c.COff c.Ldc
                    for i in 0 .. m - 1 do
                        for j in 0 .. n - 1 do
                            let idx = c.COff + i * c.Ldc + j
                            let tol32 = float (k + 2) * 1.2e-7 * scale[i, j]
                            if not (Math.Abs(float c32[idx] - exact[i, j]) <= tol32) then
                                failtestf "gemm32 m=%d n=%d k=%d tb=%b: C[%d,%d]=%.9g expected %.9g (tol %.3g)" m n k tb i j c32[idx] exact[i, j] tol32
                            let tol64 = float (k + 2) * 2.3e-16 * scale64[i, j]
                            if not (Math.Abs(c64[idx] - exact64[i, j]) <= tol64) then
                                failtestf "gemm64 m=%d n=%d k=%d tb=%b: C[%d,%d]=%.17g expected %.17g (tol %.3g)" m n k tb i j c64[idx] exact64[i, j] tol64

        testCase "k = 0 scales C by beta and empty m or n leaves C untouched" <| fun () ->
            let c = [| 1.0f; 2.0f; nanf; 4.0f |]
            MatMul.gemm32 false false 2 2 0 1.0f [||] 0 1 [||] 0 2 0.5f c 0 2
            Expect.equal (c[0], c[1], c[3]) (0.5f, 1.0f, 2.0f) "C = beta*C"
            Expect.isTrue (Single.IsNaN c[2]) "NaN*0.5 stays NaN for beta <> 0"
            let z = [| nanf; 3.0f |]
            MatMul.gemm32 false false 1 2 0 1.0f [||] 0 1 [||] 0 2 0.0f z 0 2
            Expect.equal z [| 0.0f; 0.0f |] "beta = 0 clears C, NaN included"
            let u = [| 5.0f |]
            MatMul.gemm32 false false 0 1 3 1.0f [||] 0 3 [| 1.0f; 1.0f; 1.0f |] 0 1 0.0f u 0 1
            Expect.equal u [| 5.0f |] "m = 0 writes nothing"

        testCase "alpha = 0 ignores NaN in A and B" <| fun () ->
            let c = [| 1.0; 2.0 |]
            MatMul.gemm64 false false 1 2 1 0.0 [| nan |] 0 1 [| nan; 1.0 |] 0 2 2.0 c 0 2
            Expect.equal c [| 2.0; 4.0 |] "C = beta*C only"

        testCase "a 2x3 by 3x2 product gives the exact integers" <| fun () ->
            let a = [| 1.0f; 2.0f; 3.0f; 4.0f; 5.0f; 6.0f |]
            let b = [| 7.0f; 8.0f; 9.0f; 10.0f; 11.0f; 12.0f |]
            let c = Array.zeroCreate 4
            MatMul.gemm32 false false 2 2 3 1.0f a 0 3 b 0 2 0.0f c 0 2
            Expect.equal c [| 58.0f; 64.0f; 139.0f; 154.0f |] "[[58,64],[139,154]]"
            let ct = Array.zeroCreate 4
            // A^T of a 3x2 stored matrix equals the 2x3 above when the storage is transposed.
            MatMul.gemm32 true true 2 2 3 1.0f [| 1.0f; 4.0f; 2.0f; 5.0f; 3.0f; 6.0f |] 0 2 [| 7.0f; 9.0f; 11.0f; 8.0f; 10.0f; 12.0f |] 0 3 0.0f ct 0 2
            Expect.equal ct c "transposed storage gives the same product"

        testCase "bits do not depend on threads, instruction set or the small/packed path choice" <| fun () ->
            let rng = Random 15
            for (m, n, k) in [ (5, 7, 9); (40, 30, 20); (97, 101, 250); (150, 140, 130); (260, 200, 600); (13, 300, 17) ] do
                for ta in [ false; true ] do
                    for tb in [ false; true ] do
                        let c = makeCase rng ta tb m n k true
                        let la, lb, lc = lengths c
                        let a = randomArray rng la
                        let b = randomArray rng lb
                        let c0 = randomArray rng lc
                        let a32, b32, c32 = Array.map float32 a, Array.map float32 b, Array.map float32 c0
                        let runAll level =
                            [ for threads in [ 1; 2 ] do
                                for small in [ 0L; Int64.MaxValue ] do
                                    yield withSettings threads level small (fun () -> bits32 c a32 b32 c32 -0.75f 0.5f), 
                                          withSettings threads level small (fun () -> bits64 c a b c0 -0.75 0.5) ]
                        let results = [ for level in [ 0; 1; 2 ] do yield! runAll level ]
                        let first32, first64 = results.Head
                        for (r32, r64) in results do
                            Expect.sequenceEqual r32 first32 (sprintf "float32 bits agree for %A" c)
                            Expect.sequenceEqual r64 first64 (sprintf "float64 bits agree for %A" c)

        testCase "multi-threaded large product equals single-threaded bit for bit, whatever the band count" <| fun () ->
            let rng = Random 16
            // Square, wide (column bands) and tall (row bands, ragged last band) products.
            for (m, n, k) in [ (300, 300, 300); (130, 515, 70); (517, 90, 200) ] do
                let a = Array.init (m * k) (fun _ -> float32 (rng.NextDouble() - 0.5))
                let b = Array.init (k * n) (fun _ -> float32 (rng.NextDouble() - 0.5))
                let run threads bands =
                    let b0 = MatMul.bandsPerThread
                    MatMul.bandsPerThread <- bands
                    try
                        withSettings threads MatMul.simdLevel MatMul.smallWork (fun () ->
                            let c = Array.zeroCreate (m * n)
                            MatMul.gemm32 false false m n k 1.0f a 0 k b 0 n 0.0f c 0 n
                            Array.map BitConverter.SingleToInt32Bits c)
                    finally MatMul.bandsPerThread <- b0
                let one = run 1 1
                for bands in [ 1; 2; 3; 4; 64 ] do
                    Expect.sequenceEqual (run 2 bands) one (sprintf "same bits for %dx%dx%d with %d band(s) per thread" m n k bands)

        testCase "batched gemm with a broadcast operand equals per-item gemm" <| fun () ->
            let rng = Random 17
            for (batch, m, n, k) in [ (3, 4, 5, 6); (5, 33, 40, 70); (64, 10, 10, 10) ] do
                let a = Array.init (m * k) (fun _ -> float32 (rng.NextDouble() - 0.5))
                let b = Array.init (batch * k * n + 2) (fun _ -> float32 (rng.NextDouble() - 0.5))
                let c = Array.init (batch * m * n + 1) (fun _ -> float32 (rng.NextDouble()))
                let expected = Array.copy c
                for i in 0 .. batch - 1 do
                    MatMul.gemm32 false true m n k 1.0f a 0 k b (2 + i * k * n) k 0.5f expected (1 + i * m * n) n
                MatMul.batchedGemm32 batch false true m n k 1.0f a 0 k 0 b 2 k (k * n) 0.5f c 1 n (m * n)
                Expect.sequenceEqual (Array.map BitConverter.SingleToInt32Bits c) (Array.map BitConverter.SingleToInt32Bits expected) "float32 batch"
                // float64: per-item transposed A (stored k x m), B broadcast with stride 0.
                let at = Array.init (batch * k * m) (fun _ -> rng.NextDouble() - 0.5)
                let bb = Array.init (k * n) (fun _ -> rng.NextDouble() - 0.5)
                let c64 = Array.create (batch * m * n) nan
                let e64 = Array.zeroCreate (batch * m * n)
                for i in 0 .. batch - 1 do
                    MatMul.gemm64 true false m n k 2.0 at (i * k * m) m bb 0 n 0.0 e64 (i * m * n) n
                MatMul.batchedGemm64 batch true false m n k 2.0 at 0 m (k * m) bb 0 n 0 0.0 c64 0 n (m * n)
                Expect.sequenceEqual c64 e64 "float64 batch with broadcast B"

        testCase "batched gemm with batch = 0 does nothing" <| fun () ->
            let c = [| 3.0f |]
            MatMul.batchedGemm32 0 false false 1 1 1 1.0f [||] 0 1 0 [||] 0 1 0 0.0f c 0 1 1
            Expect.equal c [| 3.0f |] "untouched"

        testCase "bad arguments raise ArgumentException naming the problem" <| fun () ->
            let z = Array.zeroCreate<float32> 100
            expectArgError "negative m" (fun () -> MatMul.gemm32 false false -1 2 2 1.0f z 0 2 z 0 2 0.0f z 0 2) "m=-1"
            expectArgError "lda too small" (fun () -> MatMul.gemm32 false false 2 2 3 1.0f z 0 2 z 0 2 0.0f z 0 2) "ld of A"
            expectArgError "ldb too small for B^T" (fun () -> MatMul.gemm32 false true 2 2 3 1.0f z 0 3 z 0 2 0.0f z 0 2) "ld of B"
            expectArgError "A too short" (fun () -> MatMul.gemm32 false false 10 2 10 1.0f z 5 10 z 0 2 0.0f z 0 2) "A (stored 10x10"
            expectArgError "negative offset" (fun () -> MatMul.gemm32 false false 2 2 2 1.0f z 0 2 z 0 2 0.0f z -1 2) "offset of C"
            expectArgError "null array" (fun () -> MatMul.gemm64 false false 1 1 1 1.0 null 0 1 [| 1.0 |] 0 1 0.0 [| 1.0 |] 0 1) "A"
            expectArgError "overlapping batch C" (fun () -> MatMul.batchedGemm32 2 false false 2 2 2 1.0f z 0 2 0 z 0 2 0 0.0f z 0 2 0) "overlap"
            expectArgError "batch extent" (fun () -> MatMul.batchedGemm32 30 false false 2 2 2 1.0f z 0 2 4 z 0 2 0 0.0f z 0 2 4) "needs"
    ]
