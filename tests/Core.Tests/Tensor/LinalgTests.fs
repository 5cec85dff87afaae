/// Linalg: values against torch 1.13 (tests/data/linalg.json, made by tests/data/scripts/gen_linalg.py),
/// derivative checks (reverse, forward, second order) against finite differences, and PyTorch's errors.
module LinalgTests

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Ops
open Fluxion.Backend
open GradCheck

module L = Linalg

// ---------------------------------------------------------------- PyTorch vectors

let private data = lazy (TestData.json "linalg.json").GetProperty("cases")

let private dtypeOf (c: JsonElement) = if c.GetProperty("dtype").GetString() = "float32" then Dtype.Float32 else Dtype.Float64

let private tensorOf (dtype: Dtype) (e: JsonElement) =
    let shape = [| for d in e.GetProperty("shape").EnumerateArray() -> d.GetInt32() |]
    Creation.ofDoubles shape dtype (TestData.nums (e.GetProperty "data"))

let private input (c: JsonElement) (i: int) = tensorOf (dtypeOf c) (c.GetProperty("inputs").[i])
let private output (c: JsonElement) (name: string) = c.GetProperty("outputs").GetProperty(name)
let private expected (c: JsonElement) (name: string) = tensorOf Dtype.Float64 (output c name)

/// Largest |a - e| / (1 + |e|) over all elements, after checking shapes and the dtype.
let private relErr (what: string) (dtype: Dtype) (actual: Tensor) (expected: Tensor) =
    Expect.sequenceEqual actual.Shape expected.Shape (what + ": shape")
    if actual.Numel > 0 then Expect.equal actual.Dtype dtype (what + ": dtype")
    Array.fold2 (fun m a e -> max m (abs (a - e) / (1.0 + abs e))) 0.0 (vals actual) (vals expected)

/// Agreement with torch 1.13 (reference LAPACK) where the arithmetic differs (QR, Jacobi eigh/svd, eig, norms):
/// measured worst cases 1.02e-6 (float32, singular vectors; values 3.6e-7) and 9.7e-16 (float64) relative;
/// these bounds leave a small margin.
let private tolFor (dtype: Dtype) = if dtype = Dtype.Float32 then 2e-6 else 1e-14

let private agree (what: string) (dtype: Dtype) (actual: Tensor) (expected: Tensor) =
    let err = relErr what dtype actual expected
    Expect.isLessThanOrEqual err (tolFor dtype) (sprintf "%s: relative error %.3g" what err)

/// Flips the sign of each column (the last dimension indexes columns) of `a` to best match `e`.
let private alignColumns (a: Tensor) (e: Tensor) =
    let e = e.Cast a.Dtype
    let s = (a * e).Sum([| -2 |], true)
    a * Tensor.Where(s.CompareScalar(CompareKind.Lt, 0.0), s.FullLike(-1.0), s.OnesLike())

/// Ops whose LAPACK arithmetic Fluxion replays step by step: results equal torch's bit for bit.
let private bitExact (op: string) (actual: Tensor) (expected: Tensor) =
    let a, e = vals actual, vals expected
    Expect.sequenceEqual actual.Shape expected.Shape (op + ": shape")
    let diffs = Array.fold2 (fun n x y -> if x = y then n else n + 1) 0 a e
    Expect.equal diffs 0 (sprintf "%s: %d of %d elements differ from torch's bits" op diffs a.Length)

let private cases (op: string) =
    [ for c in data.Value.EnumerateArray() do if c.GetProperty("op").GetString() = op then yield c ]

let private label (c: JsonElement) (i: int) =
    let shapes = [ for x in c.GetProperty("inputs").EnumerateArray() -> x.GetProperty("shape").ToString() ]
    sprintf "%s %s #%d %s" (c.GetProperty("op").GetString()) (c.GetProperty("dtype").GetString()) i (String.Join(" ", shapes))

let private vectorTests (op: string) (check: JsonElement -> unit) =
    cases op |> List.mapi (fun i c -> testCase (label c i) (fun () -> check c))

let private ordOf (s: string) =
    match s with
    | "inf" -> infinity
    | "-inf" -> -infinity
    | s -> float s

/// One n×n eig result in gen_linalg.py's gauge: eigenpairs sorted by real part ascending, then imaginary part
/// descending; each vector scaled to unit norm with its largest-modulus component real and positive.
let private eigGauge (r: EigResult) =
    let wr, wi = vals r.Eigenvalues.Real, vals r.Eigenvalues.Imag
    let vr, vi = vals r.Eigenvectors.Real, vals r.Eigenvectors.Imag
    let n = wr.Length
    let order = Array.init n id |> Array.sortWith (fun a b -> compare (wr.[a], -wi.[a]) (wr.[b], -wi.[b]))
    let outR = Array.zeroCreate (n * n)
    let outI = Array.zeroCreate (n * n)
    order |> Array.iteri (fun j src ->
        let col = Array.init n (fun i -> Numerics.Complex(vr.[i * n + src], vi.[i * n + src]))
        let nrm = sqrt (col |> Array.sumBy (fun z -> z.Magnitude * z.Magnitude))
        let k = col |> Array.mapi (fun i z -> i, z.Magnitude) |> Array.maxBy snd |> fst
        let phase = Numerics.Complex.Conjugate col.[k] / Numerics.Complex(col.[k].Magnitude * nrm, 0.0)
        col |> Array.iteri (fun i z ->
            let g = z * phase
            outR.[i * n + j] <- g.Real
            outI.[i * n + j] <- if i = k then 0.0 else g.Imaginary))
    Array.map (fun i -> wr.[i]) order, Array.map (fun i -> wi.[i]) order, outR, outI

[<Tests>]
let torchVectors =
    testList "Linalg.Torch" [
        yield! vectorTests "inv" (fun c -> bitExact "inv" (L.inv (input c 0)) (expected c "out"))
        yield! vectorTests "det" (fun c -> bitExact "det" (L.det (input c 0)) (expected c "out"))
        yield! vectorTests "slogdet" (fun c ->
            let r = L.slogdet (input c 0)
            bitExact "sign" r.Sign (expected c "sign")
            bitExact "logabsdet" r.LogAbsDet (expected c "logabsdet"))
        yield! vectorTests "solve" (fun c -> bitExact "solve" (L.solve (input c 0) (input c 1)) (expected c "out"))
        yield! vectorTests "cholesky" (fun c -> bitExact "cholesky" (L.cholesky (input c 0)) (expected c "out"))
        yield! vectorTests "qr" (fun c ->
            let mode = match c.GetProperty("mode").GetString() with "reduced" -> QrMode.Reduced | "complete" -> QrMode.Complete | _ -> QrMode.R
            let r = L.qr mode (input c 0)
            agree "Q" (dtypeOf c) r.Q (expected c "Q")
            agree "R" (dtypeOf c) r.R (expected c "R"))
        yield! vectorTests "eigh" (fun c ->
            let r = L.eigh (input c 0)
            agree "eigenvalues" (dtypeOf c) r.Eigenvalues (expected c "eigenvalues")
            let e = expected c "eigenvectors"
            agree "eigenvectors (column signs aligned)" (dtypeOf c) (alignColumns r.Eigenvectors e) e)
        yield! vectorTests "eig" (fun c ->
            // linalg.json stores eig in a fixed gauge (gen_linalg.py's eig_gauge); LAPACK's own order and signs
            // are checked element for element in Linalg.LapackEigen.
            let dt = dtypeOf c
            let r = L.eig (input c 0)
            let wr, wi, vr, vi = eigGauge r
            let n = wr.Length
            let t (shape: int[]) (x: float[]) = Creation.ofDoubles shape dt x
            agree "eigenvalues (real)" dt (t [| n |] wr) (expected c "values_real")
            agree "eigenvalues (imag)" dt (t [| n |] wi) (expected c "values_imag")
            agree "eigenvalues vs torch in the dtype (real)" dt (t [| n |] wr) (expected c "values_real_torch_dtype")
            agree "eigenvalues vs torch in the dtype (imag)" dt (t [| n |] wi) (expected c "values_imag_torch_dtype")
            agree "eigenvectors (real)" dt (t [| n; n |] vr) (expected c "vectors_real")
            agree "eigenvectors (imag)" dt (t [| n; n |] vi) (expected c "vectors_imag"))
        yield! vectorTests "svd" (fun c ->
            let dt = dtypeOf c
            let r = L.svd (c.GetProperty("full_matrices").GetBoolean()) (input c 0)
            agree "S" dt r.S (expected c "S")
            let eu = expected c "U"
            let u = alignColumns r.U eu
            agree "U (column signs aligned)" dt u eu
            // A pair (uᵢ, vᵢ) flips together: take U's flips for Vh's rows, then align the extra rows alone.
            let k = r.S.Shape.[r.S.Dim - 1]
            let flips = (u.Narrow(-1, 0, k) * r.U.Narrow(-1, 0, k)).Sum([| -2 |], false)
            let vh = r.Vh
            let rows = vh.Shape.[vh.Dim - 2]
            let head = vh.Narrow(-2, 0, k) * Shapes.unsqueeze -1 flips
            let evh = expected c "Vh"
            let vh = if rows > k then Shapes.cat -2 [| head; (alignColumns (vh.Narrow(-2, k, rows - k).Transpose(-2, -1)) (evh.Narrow(-2, k, rows - k).Transpose(-2, -1))).Transpose(-2, -1) |] else head
            agree "Vh (signs paired with U)" dt vh evh)
        yield! vectorTests "lstsq" (fun c ->
            let r = L.lstsq (input c 0) (input c 1)
            agree "solution" (dtypeOf c) r.Solution (expected c "solution")
            Expect.sequenceEqual (r.Rank.ToInt64Array()) (vals (expected c "rank") |> Array.map int64) "rank")
        yield! vectorTests "vector_norm" (fun c ->
            let ord = ordOf (c.GetProperty("ord").GetString())
            let dims = match c.GetProperty("dim").ValueKind with JsonValueKind.Null -> [||] | _ -> [| for d in c.GetProperty("dim").EnumerateArray() -> d.GetInt32() |]
            agree (sprintf "vector_norm ord %g dims %A" ord dims) (dtypeOf c) (L.vectorNorm ord dims (c.GetProperty("keepdim").GetBoolean()) (input c 0)) (expected c "out"))
        yield! vectorTests "matrix_norm" (fun c ->
            let ord =
                match c.GetProperty("ord").GetString() with
                | "fro" -> MatrixNormOrd.Frobenius
                | "nuc" -> MatrixNormOrd.Nuclear
                | s -> MatrixNormOrd.Ord(ordOf s)
            let d = [| for d in c.GetProperty("dim").EnumerateArray() -> d.GetInt32() |]
            agree (sprintf "matrix_norm %A" ord) (dtypeOf c) (L.matrixNorm ord (d.[0], d.[1]) (c.GetProperty("keepdim").GetBoolean()) (input c 0)) (expected c "out"))
        yield! vectorTests "norm_default" (fun c -> agree "norm" (dtypeOf c) (L.norm (input c 0)) (expected c "out"))
        yield! vectorTests "matrix_rank" (fun c ->
            Expect.sequenceEqual ((L.matrixRank (input c 0)).ToInt64Array()) (vals (expected c "out") |> Array.map int64) "rank")
        yield! vectorTests "pinv" (fun c -> agree "pinv" (dtypeOf c) (L.pinv (input c 0)) (expected c "out"))
    ]

// ---------------------------------------------------------------- derivative checks

/// Well-conditioned square matrices: uniform entries plus 3·I.
let private wellCond (shape: int[]) : Gen =
    fun r ->
        let n = shape.[shape.Length - 1]
        let x = uniform -1.0 1.0 shape r
        x + Creation.eye n n Dtype.Float64 * 3.0
let private sym (x: Tensor) = (x + x.Transpose(-2, -1)) * 0.5
/// A symmetric matrix with well separated eigenvalues (distinct, as the eigenvector rules assume).
let private symSpread (x: Tensor) =
    let n = x.Shape.[x.Dim - 1]
    sym x + Creation.ofDoubles [| n; n |] Dtype.Float64 (Array.init (n * n) (fun i -> if i / n = i % n then 1.5 * float (i / n) else 0.0))
let private spd (x: Tensor) =
    let n = x.Shape.[x.Dim - 1]
    Tensor.matmul x (x.Transpose(-2, -1)) + Creation.eye n n Dtype.Float64

/// Every linalg op in reverse mode, forward mode and second order (same generated checks as OpTableTests).
let table : OpCase list =
    [ unary "inv" (wellCond [| 3; 3 |]) L.inv true
      unary "inv batched (2,3,3)" (wellCond [| 2; 3; 3 |]) L.inv true
      unary "det" (wellCond [| 3; 3 |]) L.det true
      unary "det batched (2,2,2)" (wellCond [| 2; 2; 2 |]) L.det true
      unary "slogdet logabsdet" (wellCond [| 3; 3 |]) (fun a -> (L.slogdet a).LogAbsDet) true
      unary "slogdet logabsdet of a negative determinant" (wellCond [| 3; 3 |]) (fun a -> (L.slogdet (-a)).LogAbsDet) true
      binary "solve matrix rhs" (wellCond [| 3; 3 |]) (normal [| 3; 2 |]) L.solve true
      binary "solve vector rhs" (wellCond [| 3; 3 |]) (normal [| 3 |]) L.solve true
      binary "solve broadcast A (3,3) B (2,3,2)" (wellCond [| 3; 3 |]) (normal [| 2; 3; 2 |]) L.solve true
      binary "solve batched vectors A (2,3,3) B (2,3)" (wellCond [| 2; 3; 3 |]) (normal [| 2; 3 |]) L.solve true
      unary "cholesky of X Xᵀ + I" (normal [| 3; 3 |]) (spd >> L.cholesky) true
      unary "cholesky batched" (normal [| 2; 2; 2 |]) (spd >> L.cholesky) true
      unary "qr reduced Q (4,3)" (normal [| 4; 3 |]) (fun a -> (L.qr QrMode.Reduced a).Q) true
      unary "qr reduced R (4,3)" (normal [| 4; 3 |]) (fun a -> (L.qr QrMode.Reduced a).R) true
      unary "qr square Q and R" (normal [| 3; 3 |]) (fun a -> let r = L.qr QrMode.Complete a in Shapes.cat 0 [| r.Q; r.R |]) true
      unary "qr wide (2,4) Q and R" (normal [| 2; 4 |]) (fun a -> let r = L.qr QrMode.Reduced a in Shapes.cat 1 [| r.Q; r.R |]) true
      unary "qr mode R batched" (normal [| 2; 3; 2 |]) (fun a -> (L.qr QrMode.R a).R) true
      unary "eigh eigenvalues" (normal [| 3; 3 |]) (symSpread >> L.eigvalsh) true
      unary "eigh eigenvectors (squared, sign-free)" (normal [| 3; 3 |]) (fun a -> let v = (L.eigh (symSpread a)).Eigenvectors in v * v) true
      unary "eigh batched values and vector products" (normal [| 2; 3; 3 |])
          (fun a -> let r = L.eigh (symSpread a) in Shapes.cat -1 [| r.Eigenvalues; (r.Eigenvectors * r.Eigenvectors).Reshape [| 2; 9 |] |]) true
      unary "svd S (3,2)" (normal [| 3; 2 |]) L.svdvals true
      unary "svd S full_matrices (2,3)" (normal [| 2; 3 |]) (fun a -> (L.svd true a).S) true
      unary "svd U squared (3,2)" (normal [| 3; 2 |]) (fun a -> let u = (L.svd false a).U in u * u) true
      unary "svd Vh squared (2,3)" (normal [| 2; 3 |]) (fun a -> let vh = (L.svd false a).Vh in vh * vh) true
      unary "svd U Vh (3,3)" (normal [| 3; 3 |]) (fun a -> let r = L.svd false a in Tensor.matmul r.U r.Vh) true
      unary "svd U Vh tall (4,2) and wide (2,4) pairs" (normal [| 4; 2 |])
          (fun a -> let r = L.svd false a in let w = L.svd false (a.T) in Shapes.cat 0 [| Tensor.matmul r.U r.Vh; (Tensor.matmul w.U w.Vh).T |]) true
      binary "lstsq tall (4,2)" (normal [| 4; 2 |]) (normal [| 4; 2 |]) (fun a b -> (L.lstsq a b).Solution) true
      binary "lstsq wide (2,3) minimum norm" (normal [| 2; 3 |]) (normal [| 2; 1 |]) (fun a b -> (L.lstsq a b).Solution) true
      unary "pinv (3,2)" (normal [| 3; 2 |]) L.pinv true
      unary "norm default" (normal [| 2; 3 |]) L.norm true
      unary "vectorNorm 2 dim -1 keepDim" (normal [| 2; 3 |]) (L.vectorNorm 2.0 [| -1 |] true) true
      unary "vectorNorm 3 dim 0" (nonzero [| 2; 3 |]) (L.vectorNorm 3.0 [| 0 |] false) false
      unary "vectorNorm 1" (nonzero [| 2; 3 |]) (L.vectorNorm 1.0 [||] false) false
      unary "vectorNorm inf dim 1" (distinct [| 2; 3 |]) (L.vectorNorm infinity [| 1 |] false) false
      unary "matrixNorm Frobenius batched" (normal [| 2; 2; 3 |]) (L.matrixNorm MatrixNormOrd.Frobenius (-2, -1) false) true
      unary "matrixNorm nuclear" (normal [| 3; 2 |]) (L.matrixNorm MatrixNormOrd.Nuclear (-2, -1) false) true
      unary "matrixNorm 2 over dims (0, 2) keepDim" (normal [| 3; 2; 2 |]) (L.matrixNorm (MatrixNormOrd.Ord 2.0) (0, 2) true) true
      unary "matrixNorm 1" (nonzero [| 3; 3 |]) (L.matrixNorm (MatrixNormOrd.Ord 1.0) (-2, -1) false) false ]

[<Tests>]
let gradChecks = testList "Linalg.GradCheck" (table |> List.collect checks)

[<Tests>]
let identities =
    testList "Linalg.Identities" [
        testCase "eig of a rotation-like matrix: a conjugate pair, exact conjugates, unit eigenvectors" <| fun () ->
            let a = t64 [| 2; 2 |] [| 0.0; 1.0; -2.0; 0.5 |]
            let r = L.eig a
            for x in vals r.Eigenvalues.Real do Expect.floatClose Accuracy.high x 0.25 "real parts"
            let im = vals r.Eigenvalues.Imag
            Expect.floatClose Accuracy.high im.[0] (sqrt (2.0 - 0.0625)) "positive imaginary part first"
            Expect.equal im.[1] (-im.[0]) "exact conjugate"
            // A v = λ v in complex arithmetic on the pair representation.
            let vr, vi = r.Eigenvectors.Real, r.Eigenvectors.Imag
            let lr, li = Shapes.unsqueeze 0 r.Eigenvalues.Real, Shapes.unsqueeze 0 r.Eigenvalues.Imag
            close 1e-12 "A v = λ v (real)" (Tensor.matmul a vr) (vr * lr - vi * li)
            close 1e-12 "A v = λ v (imag)" (Tensor.matmul a vi) (vr * li + vi * lr)
        testCase "eig of a batch: A v = λ v for every element, each as computed alone" <| fun () ->
            let a = uniform -1.0 1.0 [| 3; 4; 4 |] (Random 11)
            let r = L.eig a
            let vr, vi = r.Eigenvectors.Real, r.Eigenvectors.Imag
            let lr, li = Shapes.unsqueeze -2 r.Eigenvalues.Real, Shapes.unsqueeze -2 r.Eigenvalues.Imag
            close 1e-12 "A v = λ v (real)" (Tensor.matmul a vr) (vr * lr - vi * li)
            close 1e-12 "A v = λ v (imag)" (Tensor.matmul a vi) (vr * li + vi * lr)
            // Each batch element equals the unbatched result (LAPACK's order, element by element).
            for b in 0 .. 2 do
                let one = L.eig (a.Select(0, b))
                Expect.sequenceEqual (vals one.Eigenvalues.Real) (vals (r.Eigenvalues.Real.Select(0, b))) "batch element values"
                Expect.sequenceEqual (vals one.Eigenvectors.Imag) (vals (r.Eigenvectors.Imag.Select(0, b))) "batch element vectors"
        testCase "eig refuses to differentiate rather than give zero" <| fun () ->
            let a = t64 [| 2; 2 |] [| 1.0; 2.0; 0.5; 3.0 |]
            Expect.throwsT<NotSupportedException> (fun () -> Diff.grad (fun a -> (L.eig a).Eigenvalues.Real.Sum()) a |> ignore) "reverse mode"
            Expect.throwsT<NotSupportedException> (fun () -> Diff.jvp (fun a -> (L.eig a).Eigenvalues.Real) a a |> ignore) "forward mode"
        testCase "qr complete (4,2): Q orthogonal, A = Q R" <| fun () ->
            let a = uniform -1.0 1.0 [| 4; 2 |] (Random 3)
            let r = L.qr QrMode.Complete a
            close 1e-12 "QᵀQ = I" (Tensor.matmul r.Q.T r.Q) (Creation.eye 4 4 Dtype.Float64)
            close 1e-12 "QR = A" (Tensor.matmul r.Q r.R) a
        testCase "svd full_matrices of a rank-1 matrix completes U and Vh orthonormally" <| fun () ->
            let a = Tensor.outer (t64 [| 3 |] [| 1.0; 2.0; 2.0 |]) (t64 [| 2 |] [| 3.0; 4.0 |])
            let r = L.svd true a
            close 1e-12 "S" r.S (t64 [| 2 |] [| 15.0; 0.0 |])
            close 1e-12 "UᵀU = I" (Tensor.matmul r.U.T r.U) (Creation.eye 3 3 Dtype.Float64)
            close 1e-12 "Vh Vhᵀ = I" (Tensor.matmul r.Vh r.Vh.T) (Creation.eye 2 2 Dtype.Float64)
            close 1e-12 "U S Vh = A" (Tensor.matmul (r.U.Narrow(1, 0, 2) * r.S) r.Vh) a
        testCase "normal equations: lstsq, pinv and solve give the same regression weights" <| fun () ->
            let x = uniform -1.0 1.0 [| 6; 3 |] (Random 5)
            let y = uniform -1.0 1.0 [| 6; 1 |] (Random 6)
            let viaSolve = L.solve (Tensor.matmul x.T x) (Tensor.matmul x.T y)
            close 1e-12 "lstsq" (L.lstsq x y).Solution viaSolve
            close 1e-12 "pinv" (Tensor.matmul (L.pinv x) y) viaSolve
            close 1e-12 "inv" (Tensor.matmul (L.inv (Tensor.matmul x.T x)) (Tensor.matmul x.T y)) viaSolve
        testCase "det of a singular matrix is zero and slogdet gives sign 0, log -inf" <| fun () ->
            let a = t64 [| 3; 3 |] [| 1.0; 2.0; 3.0; 2.0; 4.0; 6.0; 1.0; 1.0; 1.0 |]
            Expect.equal ((L.det a).ToDouble()) 0.0 "det"
            let s = L.slogdet a
            Expect.equal (s.Sign.ToDouble()) 0.0 "sign"
            Expect.equal (s.LogAbsDet.ToDouble()) -infinity "logabsdet"
        testCase "imperative backward through inv: PyTorch's grad_fn name and the gradient -A⁻ᵀ A⁻ᵀ" <| fun () ->
            let a = (t64 [| 2; 2 |] [| 2.0; 1.0; 0.5; 3.0 |]).RequiresGrad_()
            let y = L.inv a
            Expect.equal y.GradFnName "LinalgInvExBackward0" "grad_fn"
            y.Sum().Backward()
            let ai = L.inv (a.Detach())
            close 1e-12 "grad" a.Grad (-(Tensor.matmul ai.T (Tensor.matmul (Tensor.ones [| 2; 2 |] |> Tensor.cast Dtype.Float64) ai.T)))
    ]

// ---------------------------------------------------------------- errors

let private throwsExactly<'e when 'e :> exn> (f: unit -> Tensor) (message: string) =
    let e = Expect.throwsC (fun () -> f () |> ignore) id
    Expect.isTrue (e :? 'e) (sprintf "expected %s, got %s: %s" typeof<'e>.Name (e.GetType().Name) e.Message)
    Expect.equal e.Message message "PyTorch's message"

let private singular = t64 [| 3; 3 |] [| 1.0; 2.0; 3.0; 2.0; 4.0; 6.0; 1.0; 1.0; 1.0 |]
let private notPd = t64 [| 2; 2 |] [| 1.0; 2.0; 2.0; 1.0 |]

[<Tests>]
let errors =
    testList "Linalg.Errors" [
        testCase "inv of a singular matrix" <| fun () ->
            throwsExactly<LinAlgException> (fun () -> L.inv singular)
                "linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular."
        testCase "inv of a batch with a singular element" <| fun () ->
            throwsExactly<LinAlgException> (fun () -> L.inv (Shapes.stack 0 [| singular; singular |]))
                "linalg.inv: (Batch element 0): The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular."
        testCase "solve with a singular matrix" <| fun () ->
            throwsExactly<LinAlgException> (fun () -> L.solve singular (t64 [| 3 |] [| 1.0; 1.0; 1.0 |]))
                "torch.linalg.solve: The solver failed because the input matrix is singular."
        testCase "cholesky of a matrix that is not positive-definite" <| fun () ->
            throwsExactly<LinAlgException> (fun () -> L.cholesky notPd)
                "linalg.cholesky: The factorization could not be completed because the input is not positive-definite (the leading minor of order 2 is not positive-definite)."
            throwsExactly<LinAlgException> (fun () -> L.cholesky (Shapes.stack 0 [| notPd; notPd |]))
                "linalg.cholesky: (Batch element 0): The factorization could not be completed because the input is not positive-definite (the leading minor of order 2 is not positive-definite)."
        testCase "non-square inputs name the op and the sizes" <| fun () ->
            let a = Tensor.ones [| 2; 3 |]
            for name, f in [ "linalg.inv", (fun () -> L.inv a); "linalg.det", (fun () -> L.det a); "linalg.cholesky", (fun () -> L.cholesky a)
                             "linalg.eigh", (fun () -> (L.eigh a).Eigenvalues); "linalg.eig", (fun () -> (L.eig a).Eigenvalues.Real)
                             "linalg.slogdet", (fun () -> (L.slogdet a).Sign); "linalg.solve", (fun () -> L.solve a (Tensor.ones [| 2 |])) ] do
                throwsExactly<ShapeException> f (name + ": A must be batches of square matrices, but they are 2 by 3 matrices")
        testCase "1-D inputs and mismatched right-hand sides" <| fun () ->
            throwsExactly<ShapeException> (fun () -> L.inv (Tensor.ones [| 3 |])) "linalg.inv: The input tensor A must have at least 2 dimensions."
            throwsExactly<ShapeException> (fun () -> (L.qr QrMode.Reduced (Tensor.ones [| 3 |])).R) "linalg.qr: The input tensor A must have at least 2 dimensions."
            throwsExactly<ShapeException> (fun () -> L.solve (Tensor.eye 3) (Tensor.ones [| 2; 3 |]))
                "linalg.solve: Incompatible shapes of A and B for the equation AX = B (3x3 and 2x3)"
            throwsExactly<ShapeException> (fun () -> (L.lstsq (Tensor.ones [| 3; 2 |]) (Tensor.ones [| 4; 1 |])).Solution)
                "torch.linalg.lstsq: input.size(-2) should match other.size(-2)"
        testCase "integer input" <| fun () ->
            throwsExactly<ArgumentException> (fun () -> L.inv (Creation.ofInt64 [| 2; 2 |] [| 1L; 0L; 0L; 1L |]))
                "linalg.inv: Expected a floating point or complex tensor as input. Got Long (Parameter 'A')"
        testCase "unsupported matrix norm order" <| fun () ->
            throwsExactly<ArgumentException> (fun () -> L.matrixNorm (MatrixNormOrd.Ord 3.0) (-2, -1) false (Tensor.ones [| 3; 3 |]))
                "linalg.matrix_norm: Order 3 not supported. (Parameter 'ord')"
        testCase "qr complete with more rows than columns is not differentiable" <| fun () ->
            throwsExactly<InvalidOperationException> (fun () -> Diff.grad (fun a -> (L.qr QrMode.Complete a).Q.Sum()) (Tensor.ones [| 3; 2 |] |> Tensor.cast Dtype.Float64))
                "linalg.qr: The QR decomposition is not differentiable when mode='complete' and nrows > ncols."
    ]

// ---------------------------------------------------------------- LAPACK's eigen order and signs

let private lapackEigen = lazy (TestData.json "linalg_lapack_eigen.json")

/// Largest |a - e| / (1 + |e|) between Fluxion's values and torch's, element for element (no reordering or
/// sign alignment, so a different order or sign fails).
let private maxRel (actual: Tensor) (expected: float[]) =
    let a = vals actual
    Expect.equal a.Length expected.Length "element count"
    Array.fold2 (fun m x e -> max m (abs (x - e) / (1.0 + abs e))) 0.0 a expected

/// eig's bound against torch 1.13 on tests/data/linalg_lapack_eigen.json (7 of 49 cases per dtype are bit-exact;
/// the rest differ in rounding, e.g. the back-substitution's complex division and summation order).
let private eigenTol (dtype: Dtype) = if dtype = Dtype.Float32 then 5e-6 else 1e-13

[<Tests>]
let lapackEigenOrder =
    testList "Linalg.LapackEigen" [
        for i, c in Seq.indexed (lapackEigen.Value.EnumerateArray()) do
            let op = c.GetProperty("op").GetString()
            let dtype = dtypeOf c
            let shape = [| for d in c.GetProperty("shape").EnumerateArray() -> d.GetInt32() |]
            let name = sprintf "%s %s %s %A #%d" op (c.GetProperty("kind").GetString()) (c.GetProperty("dtype").GetString()) shape i
            yield testCase name <| fun () ->
                let a = Creation.ofDoubles shape dtype (TestData.nums (c.GetProperty "input"))
                let field (s: string) = TestData.nums (c.GetProperty s)
                let check (what: string) (actual: Tensor) (expected: float[]) =
                    let err = maxRel actual expected
                    Expect.isLessThanOrEqual err (eigenTol dtype) (sprintf "%s: relative error %.3g" what err)
                if op = "eigh" then
                    // eigh replays ssyevd/dsyevd operation for operation: torch's bits, values and vectors.
                    let r = L.eigh a
                    Expect.sequenceEqual (vals r.Eigenvalues) (field "values") "eigenvalues bit for bit"
                    Expect.sequenceEqual (vals r.Eigenvectors) (field "vectors") "eigenvectors bit for bit (LAPACK's signs)"
                else
                    let r = L.eig a
                    check "eigenvalues (real, LAPACK's order)" r.Eigenvalues.Real (field "values_real")
                    check "eigenvalues (imag)" r.Eigenvalues.Imag (field "values_imag")
                    check "eigenvectors (real)" r.Eigenvectors.Real (field "vectors_real")
                    check "eigenvectors (imag)" r.Eigenvectors.Imag (field "vectors_imag")
    ]
