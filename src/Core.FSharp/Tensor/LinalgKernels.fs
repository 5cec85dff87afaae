namespace Fluxion.Ops

open System
open System.Numerics

/// Array-level factorizations behind `Linalg`: one row-major matrix at a time, in doubles.
/// LU and Cholesky take a rounding function so float32 inputs are computed in float32 arithmetic
/// (each +, -, *, / and sqrt rounded once to float32 is exactly IEEE float32 arithmetic).
module internal LinalgKernels =
    /// Rounds to the nearest float32 (kept as a double).
    let rd32 (x: float) = float (float32 x)
    /// LAPACK's safe minimum (dlamch 'S') for float32 and float64.
    let sfmin32 = float (BitConverter.Int32BitsToSingle 0x00800000)
    let sfmin64 = 2.2250738585072014e-308

    /// LAPACK getrf (reference dgetrf2 order) on an n×n row-major matrix m, in place: L below the diagonal
    /// (unit diagonal implied), U on and above it, piv.[k] the row swapped with k. Returns LAPACK's info:
    /// 0, or the 1-based index of the first exactly zero pivot.
    let luFactor (rd: float -> float) (sfmin: float) (n: int) (m: float[]) (piv: int[]) : int =
        let mutable info = 0
        for k in 0 .. n - 1 do
            let mutable p = k
            let mutable best = abs m.[k * n + k]
            for i in k + 1 .. n - 1 do
                let v = abs m.[i * n + k]
                if v > best then
                    best <- v
                    p <- i
            piv.[k] <- p
            if m.[p * n + k] <> 0.0 then
                if p <> k then
                    for j in 0 .. n - 1 do
                        let t = m.[k * n + j]
                        m.[k * n + j] <- m.[p * n + j]
                        m.[p * n + j] <- t
                let pv = m.[k * n + k]
                // dgetrf2 scales by the reciprocal unless that would overflow.
                if abs pv >= sfmin then
                    let r = rd (1.0 / pv)
                    for i in k + 1 .. n - 1 do m.[i * n + k] <- rd (m.[i * n + k] * r)
                else
                    for i in k + 1 .. n - 1 do m.[i * n + k] <- rd (m.[i * n + k] / pv)
            elif info = 0 then info <- k + 1
            for i in k + 1 .. n - 1 do
                let l = m.[i * n + k]
                for j in k + 1 .. n - 1 do
                    m.[i * n + j] <- rd (m.[i * n + j] - rd (l * m.[k * n + j]))
        info

    /// getrs with trans = 'T': given the LU of M, solves Mᵀ x = b in place (reference dtrsm order).
    let luSolveTransposed (rd: float -> float) (n: int) (lu: float[]) (piv: int[]) (b: float[]) =
        for i in 0 .. n - 1 do
            let mutable t = b.[i]
            for k in 0 .. i - 1 do t <- rd (t - rd (lu.[k * n + i] * b.[k]))
            b.[i] <- rd (t / lu.[i * n + i])
        for i in n - 1 .. -1 .. 0 do
            let mutable t = b.[i]
            for k in i + 1 .. n - 1 do t <- rd (t - rd (lu.[k * n + i] * b.[k]))
            b.[i] <- t
        for k in n - 1 .. -1 .. 0 do
            let p = piv.[k]
            if p <> k then
                let t = b.[k]
                b.[k] <- b.[p]
                b.[p] <- t

    /// The transpose of the n×n matrix at `off` (PyTorch factors Aᵀ of a contiguous A: its column-major view).
    let transposed (n: int) (a: float[]) (off: int) =
        Array.init (n * n) (fun idx -> let i, j = idx / n, idx % n in a.[off + j * n + i])

    /// potrf (reference dpotrf2 order) on the lower triangle of the n×n matrix at `off`; fills l (zero above
    /// the diagonal) and returns LAPACK's info: 0, or the order of the first leading minor that is not
    /// positive-definite.
    let cholesky (rd: float -> float) (n: int) (a: float[]) (off: int) (l: float[]) : int =
        let mutable info = 0
        let mutable j = 0
        while info = 0 && j < n do
            let mutable d = a.[off + j * n + j]
            for k in 0 .. j - 1 do d <- rd (d - rd (l.[j * n + k] * l.[j * n + k]))
            if not (d > 0.0) then info <- j + 1
            else
                let ljj = rd (sqrt d)
                l.[j * n + j] <- ljj
                let r = rd (1.0 / ljj)
                for i in j + 1 .. n - 1 do
                    let mutable t = a.[off + i * n + j]
                    for k in 0 .. j - 1 do t <- rd (t - rd (l.[i * n + k] * l.[j * n + k]))
                    l.[i * n + j] <- rd (t * r)
            j <- j + 1
        info

    /// Householder QR of the m×n matrix at `off` with LAPACK's conventions (dgeqrf/dlarfg signs, so R's
    /// diagonal matches PyTorch's). Returns R (rRows×n) and Q (m×qCols).
    let qr (m: int) (n: int) (a: float[]) (off: int) (rRows: int) (qCols: int) =
        let w = Array.sub a off (m * n)
        let k = min m n
        let tau = Array.zeroCreate k
        for j in 0 .. k - 1 do
            let alpha = w.[j * n + j]
            let mutable ss = 0.0
            for i in j + 1 .. m - 1 do ss <- ss + w.[i * n + j] * w.[i * n + j]
            let xnorm = sqrt ss
            if xnorm <> 0.0 then
                let beta = -(Math.CopySign(sqrt (alpha * alpha + ss), alpha))
                tau.[j] <- (beta - alpha) / beta
                let scale = 1.0 / (alpha - beta)
                for i in j + 1 .. m - 1 do w.[i * n + j] <- w.[i * n + j] * scale
                w.[j * n + j] <- beta
                for c in j + 1 .. n - 1 do
                    let mutable s = w.[j * n + c]
                    for i in j + 1 .. m - 1 do s <- s + w.[i * n + j] * w.[i * n + c]
                    s <- s * tau.[j]
                    w.[j * n + c] <- w.[j * n + c] - s
                    for i in j + 1 .. m - 1 do w.[i * n + c] <- w.[i * n + c] - s * w.[i * n + j]
        let r = Array.init (rRows * n) (fun idx -> let i, c = idx / n, idx % n in if c >= i && i < k then w.[i * n + c] else 0.0)
        let q = Array.init (m * qCols) (fun idx -> if idx / qCols = idx % qCols then 1.0 else 0.0)
        for j in k - 1 .. -1 .. 0 do
            if tau.[j] <> 0.0 then
                for c in 0 .. qCols - 1 do
                    let mutable s = q.[j * qCols + c]
                    for i in j + 1 .. m - 1 do s <- s + w.[i * n + j] * q.[i * qCols + c]
                    s <- s * tau.[j]
                    q.[j * qCols + c] <- q.[j * qCols + c] - s
                    for i in j + 1 .. m - 1 do q.[i * qCols + c] <- q.[i * qCols + c] - s * w.[i * n + j]
        r, q

    /// Cyclic Jacobi eigen-decomposition of the symmetric matrix whose lower triangle is at `off` (the
    /// triangle LAPACK reads). Returns eigenvalues ascending and eigenvectors as the columns of an n×n matrix.
    let eighJacobi (n: int) (a: float[]) (off: int) =
        let s = Array.init (n * n) (fun idx -> let i, j = idx / n, idx % n in if i >= j then a.[off + i * n + j] else a.[off + j * n + i])
        let v = Array.init (n * n) (fun idx -> if idx / n = idx % n then 1.0 else 0.0)
        let eps = 2.220446049250313e-16
        let mutable sweep = 0
        let mutable rotated = true
        while rotated && sweep < 100 do
            rotated <- false
            sweep <- sweep + 1
            for p in 0 .. n - 2 do
                for q in p + 1 .. n - 1 do
                    let apq = s.[p * n + q]
                    let app = s.[p * n + p]
                    let aqq = s.[q * n + q]
                    if apq <> 0.0 && abs apq > eps * sqrt (abs app * abs aqq) then
                        rotated <- true
                        let theta = (aqq - app) / (2.0 * apq)
                        let t = (if theta >= 0.0 then 1.0 else -1.0) / (abs theta + sqrt (theta * theta + 1.0))
                        let c = 1.0 / sqrt (t * t + 1.0)
                        let sn = t * c
                        for r in 0 .. n - 1 do
                            let arp = s.[r * n + p]
                            let arq = s.[r * n + q]
                            s.[r * n + p] <- c * arp - sn * arq
                            s.[r * n + q] <- sn * arp + c * arq
                        for r in 0 .. n - 1 do
                            let apr = s.[p * n + r]
                            let aqr = s.[q * n + r]
                            s.[p * n + r] <- c * apr - sn * aqr
                            s.[q * n + r] <- sn * apr + c * aqr
                        s.[p * n + q] <- 0.0
                        s.[q * n + p] <- 0.0
                        for r in 0 .. n - 1 do
                            let vrp = v.[r * n + p]
                            let vrq = v.[r * n + q]
                            v.[r * n + p] <- c * vrp - sn * vrq
                            v.[r * n + q] <- sn * vrp + c * vrq
        let order = Array.init n id |> Array.sortBy (fun i -> s.[i * n + i])
        let values = order |> Array.map (fun i -> s.[i * n + i])
        let vectors = Array.init (n * n) (fun idx -> let r, c = idx / n, idx % n in v.[r * n + order.[c]])
        values, vectors

    /// Fills the columns of q (rows×total, row-major) not marked valid with unit vectors orthogonal to all
    /// others (Gram-Schmidt, twice, against the best-suited standard basis vector).
    let completeBasis (rows: int) (total: int) (q: float[]) (valid: bool[]) =
        let filled = Array.copy valid
        for c in 0 .. total - 1 do
            if not filled.[c] then
                let mutable bestNorm = -1.0
                let mutable best = Array.zeroCreate rows
                for t in 0 .. rows - 1 do
                    let x = Array.init rows (fun i -> if i = t then 1.0 else 0.0)
                    for _ in 1 .. 2 do
                        for o in 0 .. total - 1 do
                            if filled.[o] then
                                let mutable d = 0.0
                                for i in 0 .. rows - 1 do d <- d + q.[i * total + o] * x.[i]
                                for i in 0 .. rows - 1 do x.[i] <- x.[i] - d * q.[i * total + o]
                    let nrm = sqrt (Array.sumBy (fun v -> v * v) x)
                    if nrm > bestNorm then
                        bestNorm <- nrm
                        best <- x
                for i in 0 .. rows - 1 do q.[i * total + c] <- best.[i] / bestNorm
                filled.[c] <- true

    /// One-sided Jacobi SVD of the m×n matrix at `off`: U (m×uCols), S (min(m,n), descending) and Vh (vRows×n),
    /// where uCols/vRows are min(m,n) (reduced) or m/n (full); missing columns are completed orthonormally.
    let svdJacobi (m: int) (n: int) (a: float[]) (off: int) (full: bool) =
        let tall = m >= n
        // Work on B = A (m >= n) or Aᵀ so B has at least as many rows as columns.
        let br, bc = (if tall then m, n else n, m)
        let u = Array.init (br * bc) (fun idx -> let i, j = idx / bc, idx % bc in if tall then a.[off + i * n + j] else a.[off + j * n + i])
        let v = Array.init (bc * bc) (fun idx -> if idx / bc = idx % bc then 1.0 else 0.0)
        let eps = 2.220446049250313e-16
        let mutable sweep = 0
        let mutable rotated = true
        while rotated && sweep < 100 do
            rotated <- false
            sweep <- sweep + 1
            for p in 0 .. bc - 2 do
                for q in p + 1 .. bc - 1 do
                    let mutable alpha = 0.0
                    let mutable beta = 0.0
                    let mutable gamma = 0.0
                    for i in 0 .. br - 1 do
                        let up = u.[i * bc + p]
                        let uq = u.[i * bc + q]
                        alpha <- alpha + up * up
                        beta <- beta + uq * uq
                        gamma <- gamma + up * uq
                    if gamma <> 0.0 && abs gamma > eps * sqrt (alpha * beta) then
                        rotated <- true
                        let zeta = (beta - alpha) / (2.0 * gamma)
                        let t = (if zeta >= 0.0 then 1.0 else -1.0) / (abs zeta + sqrt (1.0 + zeta * zeta))
                        let c = 1.0 / sqrt (1.0 + t * t)
                        let s = c * t
                        for i in 0 .. br - 1 do
                            let up = u.[i * bc + p]
                            let uq = u.[i * bc + q]
                            u.[i * bc + p] <- c * up - s * uq
                            u.[i * bc + q] <- s * up + c * uq
                        for i in 0 .. bc - 1 do
                            let vp = v.[i * bc + p]
                            let vq = v.[i * bc + q]
                            v.[i * bc + p] <- c * vp - s * vq
                            v.[i * bc + q] <- s * vp + c * vq
        let norms = Array.init bc (fun j -> sqrt (Seq.sumBy (fun i -> u.[i * bc + j] * u.[i * bc + j]) (seq { 0 .. br - 1 })))
        let order = Array.init bc id |> Array.sortBy (fun j -> -norms.[j])
        let sv = order |> Array.map (fun j -> norms.[j])
        let smax = if bc > 0 then sv.[0] else 0.0
        let ubCols = if full then br else bc
        let ub = Array.zeroCreate (br * ubCols)
        let valid = Array.zeroCreate ubCols
        for c in 0 .. bc - 1 do
            let j = order.[c]
            // Columns of tiny singular values carry no direction: they are completed below instead.
            if sv.[c] > 0.0 && sv.[c] > smax * eps * float br * 1e-3 then
                valid.[c] <- true
                for i in 0 .. br - 1 do ub.[i * ubCols + c] <- u.[i * bc + j] / sv.[c]
        completeBasis br ubCols ub valid
        let vb = Array.init (bc * bc) (fun idx -> let i, c = idx / bc, idx % bc in v.[i * bc + order.[c]])
        // A = Ub S Vbᵀ (tall), or A = Bᵀ = Vb S Ubᵀ.
        if tall then
            let vh = Array.init (bc * bc) (fun idx -> let r, c = idx / bc, idx % bc in vb.[c * bc + r])
            ub, sv, vh
        else
            let vh = Array.init (ubCols * br) (fun idx -> let r, c = idx / br, idx % br in ub.[c * ubCols + r])
            vb, sv, vh

    /// Eigenvalues of a real n×n matrix by Hessenberg reduction and complex shifted QR, then eigenvectors
    /// by inverse iteration. Order: real part ascending, then imaginary part descending; vectors have unit
    /// norm with their largest-modulus component real and positive; conjugate pairs are exact conjugates.
    let eig (n: int) (a: float[]) (off: int) =
        let h = Array2D.init n n (fun i j -> Complex(a.[off + i * n + j], 0.0))
        let mutable fro = 0.0
        for i in 0 .. n * n - 1 do fro <- fro + a.[off + i] * a.[off + i]
        let scale = max (sqrt fro) 1e-300
        // Householder reduction to Hessenberg form (real arithmetic in Complex storage).
        for k in 0 .. n - 3 do
            let x = Array.init (n - k - 1) (fun i -> h.[k + 1 + i, k].Real)
            let alpha = x.[0]
            let nrm = sqrt (Array.sumBy (fun v -> v * v) x)
            if nrm > 0.0 then
                let beta = -(Math.CopySign(nrm, alpha))
                let vv = Array.copy x
                vv.[0] <- alpha - beta
                let vn = Array.sumBy (fun v -> v * v) vv
                if vn > 0.0 then
                    for c in 0 .. n - 1 do
                        let mutable s = 0.0
                        for i in 0 .. vv.Length - 1 do s <- s + vv.[i] * h.[k + 1 + i, c].Real
                        let f = 2.0 * s / vn
                        for i in 0 .. vv.Length - 1 do h.[k + 1 + i, c] <- Complex(h.[k + 1 + i, c].Real - f * vv.[i], 0.0)
                    for r in 0 .. n - 1 do
                        let mutable s = 0.0
                        for i in 0 .. vv.Length - 1 do s <- s + h.[r, k + 1 + i].Real * vv.[i]
                        let f = 2.0 * s / vn
                        for i in 0 .. vv.Length - 1 do h.[r, k + 1 + i] <- Complex(h.[r, k + 1 + i].Real - f * vv.[i], 0.0)
                for i in k + 2 .. n - 1 do h.[i, k] <- Complex.Zero
        let eps = 2.220446049250313e-16
        let values = Array.create n Complex.Zero
        let mutable hi = n - 1
        let mutable iter = 0
        while hi >= 0 do
            if hi = 0 then
                values.[0] <- h.[0, 0]
                hi <- -1
            else
                let mutable l = hi
                while l > 0 && Complex.Abs h.[l, l - 1] > eps * (Complex.Abs h.[l, l] + Complex.Abs h.[l - 1, l - 1] + (if h.[l, l] = Complex.Zero && h.[l - 1, l - 1] = Complex.Zero then scale else 0.0)) do
                    l <- l - 1
                if l > 0 then h.[l, l - 1] <- Complex.Zero
                if l = hi then
                    values.[hi] <- h.[hi, hi]
                    hi <- hi - 1
                    iter <- 0
                else
                    iter <- iter + 1
                    if iter > 1000 then invalidOp "linalg.eig: the QR iteration did not converge"
                    let a11 = h.[hi - 1, hi - 1]
                    let a12 = h.[hi - 1, hi]
                    let a21 = h.[hi, hi - 1]
                    let a22 = h.[hi, hi]
                    let mu =
                        if iter % 11 = 10 then a22 + Complex(1.5 * Complex.Abs a21, 0.5 * Complex.Abs a21)
                        else
                            let half = (a11 - a22) / Complex(2.0, 0.0)
                            let disc = Complex.Sqrt(half * half + a12 * a21)
                            let m1 = (a11 + a22) / Complex(2.0, 0.0) + disc
                            let m2 = (a11 + a22) / Complex(2.0, 0.0) - disc
                            if Complex.Abs(m1 - a22) <= Complex.Abs(m2 - a22) then m1 else m2
                    for k in l .. hi do h.[k, k] <- h.[k, k] - mu
                    let cs = Array.create (hi - l) Complex.One
                    let ss = Array.create (hi - l) Complex.Zero
                    for k in l .. hi - 1 do
                        let x = h.[k, k]
                        let y = h.[k + 1, k]
                        let r = sqrt (x.Magnitude * x.Magnitude + y.Magnitude * y.Magnitude)
                        let c, s = if r = 0.0 then Complex.One, Complex.Zero else x / Complex(r, 0.0), y / Complex(r, 0.0)
                        cs.[k - l] <- c
                        ss.[k - l] <- s
                        for j in k .. hi do
                            let hk = h.[k, j]
                            let hk1 = h.[k + 1, j]
                            h.[k, j] <- Complex.Conjugate c * hk + Complex.Conjugate s * hk1
                            h.[k + 1, j] <- -s * hk + c * hk1
                    for k in l .. hi - 1 do
                        let c = cs.[k - l]
                        let s = ss.[k - l]
                        for i in l .. hi do
                            let hk = h.[i, k]
                            let hk1 = h.[i, k + 1]
                            h.[i, k] <- hk * c + hk1 * s
                            h.[i, k + 1] <- -(hk * Complex.Conjugate s) + hk1 * Complex.Conjugate c
                    for k in l .. hi do h.[k, k] <- h.[k, k] + mu
        // Real eigenvalues exactly real, complex ones in exact conjugate pairs (A is real).
        let thr = 1e-12 * scale
        let vals = values |> Array.map (fun z -> if abs z.Imaginary <= thr then Complex(z.Real, 0.0) else z)
        let pos = vals |> Array.filter (fun z -> z.Imaginary > 0.0)
        let neg = ResizeArray(vals |> Array.filter (fun z -> z.Imaginary < 0.0))
        let paired = ResizeArray<Complex>()
        for z in pos do
            if neg.Count > 0 then
                let bi = Seq.minBy (fun (w: Complex) -> Complex.Abs(w - Complex.Conjugate z)) neg
                neg.Remove bi |> ignore
                let re = (z.Real + bi.Real) / 2.0
                let im = (z.Imaginary - bi.Imaginary) / 2.0
                paired.Add(Complex(re, im))
                paired.Add(Complex(re, -im))
            else paired.Add z
        paired.AddRange neg
        paired.AddRange(vals |> Array.filter (fun z -> z.Imaginary = 0.0))
        let sorted = paired.ToArray() |> Array.sortWith (fun x y -> if x.Real <> y.Real then compare x.Real y.Real else compare y.Imaginary x.Imaginary)
        // Inverse iteration on A - λI (slightly shifted so the factorization never breaks down).
        let vectorOf (lam: Complex) =
            let shift = lam + Complex(eps * scale, 0.0)
            let mm = Array2D.init n n (fun i j -> Complex(a.[off + i * n + j], 0.0) - (if i = j then shift else Complex.Zero))
            let piv = Array.zeroCreate n
            for k in 0 .. n - 1 do
                let mutable p = k
                for i in k + 1 .. n - 1 do
                    if Complex.Abs mm.[i, k] > Complex.Abs mm.[p, k] then p <- i
                piv.[k] <- p
                if p <> k then
                    for j in 0 .. n - 1 do
                        let t = mm.[k, j]
                        mm.[k, j] <- mm.[p, j]
                        mm.[p, j] <- t
                if mm.[k, k] = Complex.Zero then mm.[k, k] <- Complex(eps * scale, 0.0)
                for i in k + 1 .. n - 1 do
                    let f = mm.[i, k] / mm.[k, k]
                    mm.[i, k] <- f
                    for j in k + 1 .. n - 1 do mm.[i, j] <- mm.[i, j] - f * mm.[k, j]
            let mutable x = Array.init n (fun i -> Complex(1.0 + 0.1 * float i / float n, 0.0))
            for _ in 1 .. 3 do
                let b = Array.copy x
                for k in 0 .. n - 1 do
                    let p = piv.[k]
                    if p <> k then
                        let t = b.[k]
                        b.[k] <- b.[p]
                        b.[p] <- t
                for i in 0 .. n - 1 do
                    for k in 0 .. i - 1 do b.[i] <- b.[i] - mm.[i, k] * b.[k]
                for i in n - 1 .. -1 .. 0 do
                    for k in i + 1 .. n - 1 do b.[i] <- b.[i] - mm.[i, k] * b.[k]
                    b.[i] <- b.[i] / mm.[i, i]
                let nrm = sqrt (Array.sumBy (fun (z: Complex) -> z.Magnitude * z.Magnitude) b)
                x <- b |> Array.map (fun z -> z / Complex(nrm, 0.0))
            let mutable kmax = 0
            for i in 1 .. n - 1 do
                if x.[i].Magnitude > x.[kmax].Magnitude then kmax <- i
            let phase = Complex.Conjugate x.[kmax] / Complex(x.[kmax].Magnitude, 0.0)
            let x = x |> Array.map (fun z -> z * phase)
            x.[kmax] <- Complex(x.[kmax].Real, 0.0)
            if lam.Imaginary = 0.0 then x |> Array.map (fun z -> Complex(z.Real, 0.0)) else x
        let vecs = Array.zeroCreate<Complex[]> n
        for j in 0 .. n - 1 do
            let lam = sorted.[j]
            if lam.Imaginary < 0.0 && j > 0 && sorted.[j - 1] = Complex.Conjugate lam then
                vecs.[j] <- vecs.[j - 1] |> Array.map Complex.Conjugate
            else vecs.[j] <- vectorOf lam
        sorted, Array.init (n * n) (fun idx -> vecs.[idx % n].[idx / n])
