namespace Fluxion.Ops

open System
open System.Numerics

/// A float32 complex number for sgeev's complex back-substitution.
[<Struct>]
type internal C32(re: float32, im: float32) =
    member _.Real = re
    member _.Imaginary = im
    static member Zero = C32(0.0f, 0.0f)

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

    /// getrs with trans = 'N': given the LU of M, solves M x = b in place (dlaswp, then reference dtrsm order).
    let luSolve (rd: float -> float) (n: int) (lu: float[]) (piv: int[]) (b: float[]) =
        for k in 0 .. n - 1 do
            let p = piv.[k]
            if p <> k then
                let t = b.[k]
                b.[k] <- b.[p]
                b.[p] <- t
        for k in 0 .. n - 1 do
            if b.[k] <> 0.0 then
                for i in k + 1 .. n - 1 do b.[i] <- rd (b.[i] - rd (b.[k] * lu.[i * n + k]))
        for k in n - 1 .. -1 .. 0 do
            if b.[k] <> 0.0 then
                b.[k] <- rd (b.[k] / lu.[k * n + k])
                for i in 0 .. k - 1 do b.[i] <- rd (b.[i] - rd (b.[k] * lu.[i * n + k]))

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

    // ---------------------------------------------------------------- LAPACK's symmetric eigen path (dsyevd, small n)

    /// LAPACK's dlapy2: sqrt(x² + y²) without undue overflow, in its operation order.
    let lapy2 (x: float) (y: float) =
        let w = max (abs x) (abs y)
        let z = min (abs x) (abs y)
        if z = 0.0 then w else w * sqrt (1.0 + (z / w) * (z / w))

    /// LAPACK 3.10+ dlartg: the plane rotation [c s; -s c] with r = ±sqrt(f² + g²) carrying f's sign.
    let lartg (f: float) (g: float) =
        let safmin = sfmin64
        let safmax = 1.0 / safmin
        let rtmin = sqrt safmin
        let rtmax = sqrt (safmax / 2.0)
        let f1, g1 = abs f, abs g
        if g = 0.0 then 1.0, 0.0, f
        elif f = 0.0 then 0.0, (if g >= 0.0 then 1.0 else -1.0), g1
        elif f1 > rtmin && f1 < rtmax && g1 > rtmin && g1 < rtmax then
            let d = sqrt (f * f + g * g)
            let r = Math.CopySign(d, f)
            f1 / d, g / r, r
        else
            let u = min safmax (max safmin (max f1 g1))
            let fs, gs = f / u, g / u
            let d = sqrt (fs * fs + gs * gs)
            let r = Math.CopySign(d, f)
            abs fs / d, gs / r, r * u

    /// LAPACK's dlaev2: eigen-decomposition of [[a, b], [b, c]]: rt1 (larger modulus), rt2, and (cs1, sn1),
    /// the unit eigenvector of rt1.
    let laev2 (a: float) (b: float) (c: float) =
        let sm = a + c
        let df = a - c
        let adf = abs df
        let tb = b + b
        let ab = abs tb
        let acmx, acmn = if abs a > abs c then a, c else c, a
        let rt =
            if adf > ab then adf * sqrt (1.0 + (ab / adf) * (ab / adf))
            elif adf < ab then ab * sqrt (1.0 + (adf / ab) * (adf / ab))
            else ab * sqrt 2.0
        let rt1, rt2, sgn1 =
            if sm < 0.0 then
                let rt1 = 0.5 * (sm - rt)
                rt1, (acmx / rt1) * acmn - (b / rt1) * b, -1
            elif sm > 0.0 then
                let rt1 = 0.5 * (sm + rt)
                rt1, (acmx / rt1) * acmn - (b / rt1) * b, 1
            else 0.5 * rt, -0.5 * rt, 1
        let cs, sgn2 = if df >= 0.0 then df + rt, 1 else df - rt, -1
        let mutable cs1, sn1 =
            if abs cs > ab then
                let ct = -tb / cs
                let sn1 = 1.0 / sqrt (1.0 + ct * ct)
                ct * sn1, sn1
            elif ab = 0.0 then 1.0, 0.0
            else
                let tn = -cs / tb
                let cs1 = 1.0 / sqrt (1.0 + tn * tn)
                cs1, tn * cs1
        if sgn1 = sgn2 then
            let tn = cs1
            cs1 <- -sn1
            sn1 <- tn
        rt1, rt2, cs1, sn1

    /// The Householder reflector of LAPACK's dlarfg on (alpha, x): returns (beta, tau) and scales x in place
    /// (x is read and written through get and set).
    let private larfg (alpha: float) (get: int -> float) (set: int -> float -> unit) (len: int) =
        if len < 1 then alpha, 0.0
        else
            let mutable ss = 0.0
            for k in 0 .. len - 1 do ss <- ss + get k * get k
            let xnorm = sqrt ss
            if xnorm = 0.0 then alpha, 0.0
            else
                let beta = -(Math.CopySign(lapy2 alpha xnorm, alpha))
                let tau = (beta - alpha) / beta
                let scal = 1.0 / (alpha - beta)
                for k in 0 .. len - 1 do set k (get k * scal)
                beta, tau

    /// Eigenvalues (ascending) and eigenvectors (columns, row-major n×n) of the symmetric matrix whose lower
    /// triangle is at `off`, along LAPACK's dsyevd path for n ≤ 25: dsytd2 tridiagonalisation, dsteqr's
    /// implicit QL/QR with Z = I, dorm2r back-transform; so eigenvector signs are LAPACK's.
    let eighLapack (n: int) (src: float[]) (off: int) =
        if n = 0 then [||], [||]
        elif n = 1 then [| src.[off] |], [| 1.0 |]
        else
        // 1-based arrays mirror the Fortran so the control flow can be checked line by line.
        let a = Array2D.init (n + 1) (n + 1) (fun i j -> if i >= 1 && j >= 1 && i >= j then src.[off + (i - 1) * n + (j - 1)] else 0.0)
        let d = Array.zeroCreate (n + 1)
        let e = Array.zeroCreate (n + 1)
        let tau = Array.zeroCreate (n + 1)
        for i in 1 .. n - 1 do
            let beta, taui = larfg a.[i + 1, i] (fun k -> a.[i + 2 + k, i]) (fun k v -> a.[i + 2 + k, i] <- v) (n - i - 1)
            e.[i] <- beta
            a.[i + 1, i] <- beta
            if taui <> 0.0 then
                a.[i + 1, i] <- 1.0
                let m = n - i
                let v k = a.[i + k, i]
                let y = Array.zeroCreate (m + 1)
                for j in 1 .. m do
                    let temp1 = taui * v j
                    let mutable temp2 = 0.0
                    y.[j] <- y.[j] + temp1 * a.[i + j, i + j]
                    for k in j + 1 .. m do
                        y.[k] <- y.[k] + temp1 * a.[i + k, i + j]
                        temp2 <- temp2 + a.[i + k, i + j] * v k
                    y.[j] <- y.[j] + taui * temp2
                let mutable dot = 0.0
                for k in 1 .. m do dot <- dot + y.[k] * v k
                let alpha = -0.5 * taui * dot
                for k in 1 .. m do y.[k] <- y.[k] + alpha * v k
                for j in 1 .. m do
                    if v j <> 0.0 || y.[j] <> 0.0 then
                        let temp1 = -y.[j]
                        let temp2 = -(v j)
                        for k in j .. m do a.[i + k, i + j] <- a.[i + k, i + j] + v k * temp1 + y.[k] * temp2
                a.[i + 1, i] <- e.[i]
            d.[i] <- a.[i, i]
            tau.[i] <- taui
        d.[n] <- a.[n, n]
        // dsteqr (compz = 'I').
        let z = Array2D.init (n + 1) (n + 1) (fun i j -> if i = j then 1.0 else 0.0)
        let eps = 1.1102230246251565e-16
        let eps2 = eps * eps
        let safmin = sfmin64
        let rotate (first: int) (count: int) (c: float[]) (s: float[]) (forward: bool) =
            // dlasr('R', 'V', F/B) on columns first .. first+count-1 of Z; c/s indexed from 1.
            let js = if forward then [ 1 .. count - 1 ] else [ count - 1 .. -1 .. 1 ]
            for j in js do
                let ct, st = c.[j], s.[j]
                if ct <> 1.0 || st <> 0.0 then
                    for r in 1 .. n do
                        let temp = z.[r, first + j]
                        z.[r, first + j] <- ct * temp - st * z.[r, first + j - 1]
                        z.[r, first + j - 1] <- st * temp + ct * z.[r, first + j - 1]
        let nmaxit = n * 30
        let mutable jtot = 0
        let mutable l1 = 1
        let mutable finished = false
        while not finished do
            if l1 > n then finished <- true
            else
                if l1 > 1 then e.[l1 - 1] <- 0.0
                let mutable m = n
                let mutable mm = l1
                let mutable found = false
                while not found && mm <= n - 1 do
                    let tst = abs e.[mm]
                    if tst = 0.0 then found <- true
                    elif tst <= (sqrt (abs d.[mm]) * sqrt (abs d.[mm + 1])) * eps then
                        e.[mm] <- 0.0
                        found <- true
                    else mm <- mm + 1
                if found then m <- mm
                let mutable l = l1
                let lsv = l
                let mutable lend = m
                let lendsv = lend
                l1 <- m + 1
                let mutable anorm = 0.0
                if lend <> l then
                    for k in l .. lend do anorm <- max anorm (abs d.[k])
                    for k in l .. lend - 1 do anorm <- max anorm (abs e.[k])
                if lend <> l && anorm <> 0.0 then
                    if abs d.[lend] < abs d.[l] then
                        lend <- lsv
                        l <- lendsv
                    let mutable go = true
                    if lend > l then
                        // QL iteration.
                        while go do
                            let mutable m = lend
                            if l <> lend then
                                let mutable k = l
                                let mutable hit = false
                                while not hit && k <= lend - 1 do
                                    if abs e.[k] * abs e.[k] <= (eps2 * abs d.[k]) * abs d.[k + 1] + safmin then hit <- true else k <- k + 1
                                if hit then m <- k
                            if m < lend then e.[m] <- 0.0
                            let mutable p = d.[l]
                            if m = l then
                                d.[l] <- p
                                l <- l + 1
                                if l > lend then go <- false
                            elif m = l + 1 then
                                let rt1, rt2, c, s = laev2 d.[l] e.[l] d.[l + 1]
                                rotate l 2 [| 0.0; c |] [| 0.0; s |] false
                                d.[l] <- rt1
                                d.[l + 1] <- rt2
                                e.[l] <- 0.0
                                l <- l + 2
                                if l > lend then go <- false
                            elif jtot = nmaxit then go <- false
                            else
                                jtot <- jtot + 1
                                let mutable g = (d.[l + 1] - p) / (2.0 * e.[l])
                                let mutable r = lapy2 g 1.0
                                g <- d.[m] - p + (e.[l] / (g + Math.CopySign(r, g)))
                                let mutable s = 1.0
                                let mutable c = 1.0
                                p <- 0.0
                                let cw = Array.zeroCreate (m - l + 1)
                                let sw = Array.zeroCreate (m - l + 1)
                                for i in m - 1 .. -1 .. l do
                                    let f = s * e.[i]
                                    let b = c * e.[i]
                                    let c', s', r' = lartg g f
                                    c <- c'
                                    s <- s'
                                    r <- r'
                                    if i <> m - 1 then e.[i + 1] <- r
                                    g <- d.[i + 1] - p
                                    r <- (d.[i] - g) * s + 2.0 * c * b
                                    p <- s * r
                                    d.[i + 1] <- g + p
                                    g <- c * r - b
                                    cw.[i - l + 1] <- c
                                    sw.[i - l + 1] <- -s
                                rotate l (m - l + 1) cw sw false
                                d.[l] <- d.[l] - p
                                e.[l] <- g
                    else
                        // QR iteration.
                        while go do
                            let mutable m = lend
                            if l <> lend then
                                let mutable k = l
                                let mutable hit = false
                                while not hit && k >= lend + 1 do
                                    if abs e.[k - 1] * abs e.[k - 1] <= (eps2 * abs d.[k]) * abs d.[k - 1] + safmin then hit <- true else k <- k - 1
                                if hit then m <- k
                            if m > lend then e.[m - 1] <- 0.0
                            let mutable p = d.[l]
                            if m = l then
                                d.[l] <- p
                                l <- l - 1
                                if l < lend then go <- false
                            elif m = l - 1 then
                                let rt1, rt2, c, s = laev2 d.[l - 1] e.[l - 1] d.[l]
                                rotate (l - 1) 2 [| 0.0; c |] [| 0.0; s |] true
                                d.[l - 1] <- rt1
                                d.[l] <- rt2
                                e.[l - 1] <- 0.0
                                l <- l - 2
                                if l < lend then go <- false
                            elif jtot = nmaxit then go <- false
                            else
                                jtot <- jtot + 1
                                let mutable g = (d.[l - 1] - p) / (2.0 * e.[l - 1])
                                let mutable r = lapy2 g 1.0
                                g <- d.[m] - p + (e.[l - 1] / (g + Math.CopySign(r, g)))
                                let mutable s = 1.0
                                let mutable c = 1.0
                                p <- 0.0
                                let cw = Array.zeroCreate (l - m + 1)
                                let sw = Array.zeroCreate (l - m + 1)
                                for i in m .. l - 1 do
                                    let f = s * e.[i]
                                    let b = c * e.[i]
                                    let c', s', r' = lartg g f
                                    c <- c'
                                    s <- s'
                                    r <- r'
                                    if i <> m then e.[i - 1] <- r
                                    g <- d.[i] - p
                                    r <- (d.[i + 1] - g) * s + 2.0 * c * b
                                    p <- s * r
                                    d.[i] <- g + p
                                    g <- c * r - b
                                    cw.[i - m + 1] <- c
                                    sw.[i - m + 1] <- s
                                rotate m (l - m + 1) cw sw true
                                d.[l] <- d.[l] - p
                                e.[l - 1] <- g
                if jtot >= nmaxit then invalidOp "linalg.eigh: the algorithm failed to converge"
        // Selection sort as dsteqr does it (stable for ties, swapping whole vectors).
        for ii in 2 .. n do
            let i = ii - 1
            let mutable k = i
            let mutable p = d.[i]
            for j in ii .. n do
                if d.[j] < p then
                    k <- j
                    p <- d.[j]
            if k <> i then
                d.[k] <- d.[i]
                d.[i] <- p
                for r in 1 .. n do
                    let t = z.[r, i]
                    z.[r, i] <- z.[r, k]
                    z.[r, k] <- t
        // dormtr/dorm2r: Z := Q Z with Q = H(1) ... H(n-1), applied last reflector first.
        for i in n - 1 .. -1 .. 1 do
            let t = tau.[i]
            if t <> 0.0 then
                let v k = if k = i + 1 then 1.0 else a.[k, i]
                for j in 1 .. n do
                    let mutable w = 0.0
                    for k in i + 1 .. n do w <- w + z.[k, j] * v k
                    if w <> 0.0 then
                        let temp = -t * w
                        for k in i + 1 .. n do z.[k, j] <- z.[k, j] + v k * temp
        Array.init n (fun i -> d.[i + 1]), Array.init (n * n) (fun idx -> z.[idx / n + 1, idx % n + 1])

    // ---------------------------------------------------------------- LAPACK's general eigen path (dgeev, small n)

    /// LAPACK's dlanv2: the Schur factorisation of the real 2×2 block [[a, b], [c, d]] in standard form.
    /// Returns (a, b, c, d, rt1r, rt1i, rt2r, rt2i, cs, sn).
    let private lanv2 (a0: float) (b0: float) (c0: float) (d0: float) =
        let eps = 2.220446049250313e-16
        let mutable a, b, c, d = a0, b0, c0, d0
        let mutable cs, sn = 1.0, 0.0
        let sign1 (x: float) = if x >= 0.0 || (x = 0.0 && not (Double.IsNegative x)) then 1.0 else -1.0
        if c = 0.0 then ()
        elif b = 0.0 then
            cs <- 0.0
            sn <- 1.0
            let temp = d
            d <- a
            a <- temp
            b <- -c
            c <- 0.0
        elif a - d = 0.0 && sign1 b <> sign1 c then ()
        else
            let temp = a - d
            let mutable p = 0.5 * temp
            let bcmax = max (abs b) (abs c)
            let bcmis = min (abs b) (abs c) * sign1 b * sign1 c
            let scale = max (abs p) bcmax
            let mutable z = (p / scale) * p + (bcmax / scale) * bcmis
            if z >= 4.0 * eps then
                z <- p + Math.CopySign(sqrt scale * sqrt z, p)
                a <- d + z
                d <- d - (bcmax / z) * bcmis
                let tau = lapy2 c z
                cs <- z / tau
                sn <- c / tau
                b <- b - c
                c <- 0.0
            else
                // Complex or nearly equal real eigenvalues: make the diagonal elements equal.
                let sigma = b + c
                let tau = lapy2 sigma temp
                cs <- sqrt (0.5 * (1.0 + abs sigma / tau))
                sn <- -(p / (tau * cs)) * sign1 sigma
                let aa = a * cs + b * sn
                let bb = -a * sn + b * cs
                let cc = c * cs + d * sn
                let dd = -c * sn + d * cs
                a <- aa * cs + cc * sn
                b <- (bb * cs) + (dd * sn)
                c <- -(aa * sn) + (cc * cs)
                d <- -bb * sn + dd * cs
                let temp = 0.5 * (a + d)
                a <- temp
                d <- temp
                if c <> 0.0 then
                    if b <> 0.0 then
                        if sign1 b = sign1 c then
                            let sab = sqrt (abs b)
                            let sac = sqrt (abs c)
                            p <- Math.CopySign(sab * sac, c)
                            let tau = 1.0 / sqrt (abs (b + c))
                            a <- temp + p
                            d <- temp - p
                            b <- b - c
                            c <- 0.0
                            let cs1 = sab * tau
                            let sn1 = sac * tau
                            let temp = cs * cs1 - sn * sn1
                            sn <- cs * sn1 + sn * cs1
                            cs <- temp
                    else
                        b <- -c
                        c <- 0.0
                        let temp = cs
                        cs <- -sn
                        sn <- temp
        let rt1i, rt2i = if c = 0.0 then 0.0, 0.0 else let r = sqrt (abs b) * sqrt (abs c) in r, -r
        a, b, c, d, a, rt1i, d, rt2i, cs, sn

    /// Eigenvalues and right eigenvectors of the real n×n row-major matrix at `off` along LAPACK's dgeev path
    /// for small n: dgebal balancing (permutation and scaling), dgehd2 Hessenberg reduction, dorg2r, dlahqr's
    /// double-shift QR (its deflation order gives the eigenvalue order), dtrevc3 back-substitution and
    /// back-transform, dgebak, and dgeev's normalisation (unit 2-norm; for a complex pair the largest-modulus
    /// component made real). Returns (wr, wi, vr) with vr row-major and LAPACK's packing of complex pairs:
    /// columns j, j+1 hold the real and imaginary parts of the vector of wr[j] + i·wi[j] (wi[j] > 0).
    let eigLapack (n: int) (src: float[]) (off: int) =
        let a = Array2D.init (n + 1) (n + 1) (fun i j -> if i >= 1 && j >= 1 then src.[off + (i - 1) * n + (j - 1)] else 0.0)
        let scale = Array.create (n + 1) 1.0
        let swapCols (j: int) (m: int) (rows: int) =
            for r in 1 .. rows do
                let t = a.[r, j]
                a.[r, j] <- a.[r, m]
                a.[r, m] <- t
        let swapRows (j: int) (m: int) (fromCol: int) =
            for c in fromCol .. n do
                let t = a.[j, c]
                a.[j, c] <- a.[m, c]
                a.[m, c] <- t
        // dgebal, job 'B': isolate eigenvalues by permutations, then scale by powers of two.
        let mutable k = 1
        let mutable l = n
        let mutable searching = n > 0
        let mutable stopAll = false
        while searching do
            let mutable found = false
            let mutable j = l
            while not found && j >= 1 do
                let mutable zeroRow = true
                for i in 1 .. l do
                    if i <> j && a.[j, i] <> 0.0 then zeroRow <- false
                if zeroRow then found <- true else j <- j - 1
            if found then
                scale.[l] <- float j
                if j <> l then
                    swapCols j l l
                    swapRows j l k
                if l = 1 then
                    searching <- false
                    stopAll <- true
                else l <- l - 1
            else searching <- false
        if not stopAll then
            let mutable colSearch = true
            while colSearch do
                let mutable found = false
                let mutable j = k
                while not found && j <= l do
                    let mutable zeroCol = true
                    for i in k .. l do
                        if i <> j && a.[i, j] <> 0.0 then zeroCol <- false
                    if zeroCol then found <- true else j <- j + 1
                if found then
                    scale.[k] <- float j
                    if j <> k then
                        swapCols j k l
                        swapRows j k k
                    k <- k + 1
                else colSearch <- false
            for i in k .. l do scale.[i] <- 1.0
            let sfmin1 = sfmin64 / 2.220446049250313e-16
            let sfmax1 = 1.0 / sfmin1
            let sfmin2 = sfmin1 * 2.0
            let sfmax2 = 1.0 / sfmin2
            let mutable noconv = true
            while noconv do
                noconv <- false
                for i in k .. l do
                    let mutable cs = 0.0
                    let mutable rs = 0.0
                    for t in k .. l do
                        cs <- cs + a.[t, i] * a.[t, i]
                        rs <- rs + a.[i, t] * a.[i, t]
                    let mutable c = sqrt cs
                    let mutable r = sqrt rs
                    let mutable ca = 0.0
                    for t in 1 .. l do ca <- max ca (abs a.[t, i])
                    let mutable ra = 0.0
                    for t in k .. n do ra <- max ra (abs a.[i, t])
                    if c <> 0.0 && r <> 0.0 then
                        let mutable g = r / 2.0
                        let mutable f = 1.0
                        let s = c + r
                        while not (c >= g || max f (max c ca) >= sfmax2 || min r (min g ra) <= sfmin2) do
                            f <- f * 2.0
                            c <- c * 2.0
                            ca <- ca * 2.0
                            r <- r / 2.0
                            g <- g / 2.0
                            ra <- ra / 2.0
                        g <- c / 2.0
                        while not (g < r || max r ra >= sfmax2 || min (min f c) (min g ca) <= sfmin2) do
                            f <- f / 2.0
                            c <- c / 2.0
                            g <- g / 2.0
                            ca <- ca / 2.0
                            r <- r * 2.0
                            ra <- ra * 2.0
                        let skip =
                            (c + r) >= 0.95 * s
                            || (f < 1.0 && scale.[i] < 1.0 && f * scale.[i] <= sfmin1)
                            || (f > 1.0 && scale.[i] > 1.0 && scale.[i] >= sfmax1 / f)
                        if not skip then
                            let g = 1.0 / f
                            scale.[i] <- scale.[i] * f
                            noconv <- true
                            for t in k .. n do a.[i, t] <- a.[i, t] * g
                            for t in 1 .. l do a.[t, i] <- a.[t, i] * f
        let ilo, ihi = (if stopAll then 1, 1 else k, l)
        // dgehd2: Householder reduction to upper Hessenberg form.
        let tau = Array.zeroCreate (n + 1)
        for i in ilo .. ihi - 1 do
            let beta, t = larfg a.[i + 1, i] (fun q -> a.[i + 2 + q, i]) (fun q v -> a.[i + 2 + q, i] <- v) (ihi - i - 1)
            tau.[i] <- t
            a.[i + 1, i] <- 1.0
            let v q = a.[i + q, i] // q = 1 .. ihi - i
            let len = ihi - i
            if t <> 0.0 then
                // Right: A(1:ihi, i+1:ihi) -= t (A v) vᵀ.
                let w = Array.zeroCreate (ihi + 1)
                for q in 1 .. len do
                    let temp = v q
                    for r in 1 .. ihi do w.[r] <- w.[r] + temp * a.[r, i + q]
                for q in 1 .. len do
                    let temp = -t * v q
                    for r in 1 .. ihi do a.[r, i + q] <- a.[r, i + q] + w.[r] * temp
                // Left: A(i+1:ihi, i+1:n) -= t v (vᵀ A).
                for c in i + 1 .. n do
                    let mutable s = 0.0
                    for q in 1 .. len do s <- s + a.[i + q, c] * v q
                    if s <> 0.0 then
                        let temp = -t * s
                        for q in 1 .. len do a.[i + q, c] <- a.[i + q, c] + v q * temp
            a.[i + 1, i] <- beta
        // dorghr/dorg2r: Q = H(ilo) ... H(ihi-1) formed explicitly.
        let z = Array2D.init (n + 1) (n + 1) (fun i j -> if i = j then 1.0 else 0.0)
        let nh = ihi - ilo
        if nh > 0 then
            let o = ilo
            // Sub-matrix W(p, q) = Z(o+p, o+q), p, q = 1 .. nh; column p starts as reflector p's tail.
            for p in 1 .. nh do
                for q in 1 .. nh do z.[o + q, o + p] <- (if q > p then a.[o + q, o + p - 1] else 0.0)
            for p in nh .. -1 .. 1 do
                let tp = tau.[o + p - 1]
                if p < nh then
                    z.[o + p, o + p] <- 1.0
                    for c in p + 1 .. nh do
                        let mutable s = 0.0
                        for q in p .. nh do s <- s + z.[o + q, o + c] * z.[o + q, o + p]
                        if s <> 0.0 then
                            let temp = -tp * s
                            for q in p .. nh do z.[o + q, o + c] <- z.[o + q, o + c] + z.[o + q, o + p] * temp
                    for q in p + 1 .. nh do z.[o + q, o + p] <- -tp * z.[o + q, o + p]
                z.[o + p, o + p] <- 1.0 - tp
                for q in 1 .. p - 1 do z.[o + q, o + p] <- 0.0
        let h = a
        for j in 1 .. n do
            for i in j + 2 .. n do h.[i, j] <- 0.0
        // dhseqr → dlahqr (wantt, wantz) on rows/columns ilo .. ihi.
        let wr = Array.zeroCreate (n + 1)
        let wi = Array.zeroCreate (n + 1)
        for i in 1 .. n do
            if i < ilo || i > ihi then wr.[i] <- h.[i, i]
        let ulp = 2.220446049250313e-16
        let smlnum = sfmin64 * (float (ihi - ilo + 1) / ulp)
        let itmax = 30 * max 10 (ihi - ilo + 1)
        let rot (x: int -> float) (setx: int -> float -> unit) (y: int -> float) (sety: int -> float -> unit) (cnt: int) (cs: float) (sn: float) =
            for q in 0 .. cnt - 1 do
                let temp = cs * x q + sn * y q
                sety q (cs * y q - sn * x q)
                setx q temp
        let mutable kdefl = 0
        let mutable i = ihi
        while i >= ilo do
            let mutable l = ilo
            let mutable its = 0
            let mutable deflated = false
            while not deflated do
                if its > itmax then invalidOp "linalg.eig: the algorithm failed to converge"
                let mutable kk = i
                let mutable stop = false
                while not stop && kk >= l + 1 do
                    if abs h.[kk, kk - 1] <= smlnum then stop <- true
                    else
                        let mutable tst = abs h.[kk - 1, kk - 1] + abs h.[kk, kk]
                        if tst = 0.0 then
                            if kk - 2 >= ilo then tst <- tst + abs h.[kk - 1, kk - 2]
                            if kk + 1 <= ihi then tst <- tst + abs h.[kk + 1, kk]
                        if abs h.[kk, kk - 1] <= ulp * tst then
                            let ab = max (abs h.[kk, kk - 1]) (abs h.[kk - 1, kk])
                            let ba = min (abs h.[kk, kk - 1]) (abs h.[kk - 1, kk])
                            let aa = max (abs h.[kk, kk]) (abs (h.[kk - 1, kk - 1] - h.[kk, kk]))
                            let bb = min (abs h.[kk, kk]) (abs (h.[kk - 1, kk - 1] - h.[kk, kk]))
                            let s = aa + ab
                            if ba * (ab / s) <= max smlnum (ulp * (bb * (aa / s))) then stop <- true else kk <- kk - 1
                        else kk <- kk - 1
                l <- kk
                if l > ilo then h.[l, l - 1] <- 0.0
                if l >= i - 1 then deflated <- true
                else
                    kdefl <- kdefl + 1
                    let h11, h12, h21, h22 =
                        if kdefl % 20 = 0 then
                            let s = abs h.[i, i - 1] + abs h.[i - 1, i - 2]
                            let h11 = 0.75 * s + h.[i, i]
                            h11, -0.4375 * s, s, h11
                        elif kdefl % 10 = 0 then
                            let s = abs h.[l + 1, l] + abs h.[l + 2, l + 1]
                            let h11 = 0.75 * s + h.[l, l]
                            h11, -0.4375 * s, s, h11
                        else h.[i - 1, i - 1], h.[i - 1, i], h.[i, i - 1], h.[i, i]
                    let s = abs h11 + abs h12 + abs h21 + abs h22
                    let rt1r, rt1i, rt2r, rt2i =
                        if s = 0.0 then 0.0, 0.0, 0.0, 0.0
                        else
                            let h11, h21, h12, h22 = h11 / s, h21 / s, h12 / s, h22 / s
                            let tr = (h11 + h22) / 2.0
                            let det = (h11 - tr) * (h22 - tr) - h12 * h21
                            let rtdisc = sqrt (abs det)
                            if det >= 0.0 then tr * s, rtdisc * s, tr * s, -(rtdisc * s)
                            else
                                let r1 = tr + rtdisc
                                let r2 = tr - rtdisc
                                let r = if abs (r1 - h22) <= abs (r2 - h22) then r1 * s else r2 * s
                                r, 0.0, r, 0.0
                    let mutable m = i - 2
                    let v = Array.zeroCreate 4
                    let mutable found = false
                    while not found do
                        let h21s0 = h.[m + 1, m]
                        let s = abs (h.[m, m] - rt2r) + abs rt2i + abs h21s0
                        let h21s = h.[m + 1, m] / s
                        v.[1] <- h21s * h.[m, m + 1] + (h.[m, m] - rt1r) * ((h.[m, m] - rt2r) / s) - rt1i * (rt2i / s)
                        v.[2] <- h21s * (h.[m, m] + h.[m + 1, m + 1] - rt1r - rt2r)
                        v.[3] <- h21s * h.[m + 2, m + 1]
                        let s = abs v.[1] + abs v.[2] + abs v.[3]
                        v.[1] <- v.[1] / s
                        v.[2] <- v.[2] / s
                        v.[3] <- v.[3] / s
                        if m = l then found <- true
                        elif abs h.[m, m - 1] * (abs v.[2] + abs v.[3]) <= ulp * abs v.[1] * (abs h.[m - 1, m - 1] + abs h.[m, m] + abs h.[m + 1, m + 1]) then found <- true
                        else m <- m - 1
                    for kq in m .. i - 1 do
                        let nr = min 3 (i - kq + 1)
                        if kq > m then
                            for q in 1 .. nr do v.[q] <- h.[kq + q - 1, kq - 1]
                        let beta, t1 = larfg v.[1] (fun q -> v.[2 + q]) (fun q x -> v.[2 + q] <- x) (nr - 1)
                        v.[1] <- beta
                        if kq > m then
                            h.[kq, kq - 1] <- v.[1]
                            h.[kq + 1, kq - 1] <- 0.0
                            if kq < i - 1 then h.[kq + 2, kq - 1] <- 0.0
                        elif m > l then
                            h.[kq, kq - 1] <- h.[kq, kq - 1] * (1.0 - t1)
                        let v2 = v.[2]
                        let t2 = t1 * v2
                        if nr = 3 then
                            let v3 = v.[3]
                            let t3 = t1 * v3
                            for j in kq .. n do
                                let sum = h.[kq, j] + v2 * h.[kq + 1, j] + v3 * h.[kq + 2, j]
                                h.[kq, j] <- h.[kq, j] - sum * t1
                                h.[kq + 1, j] <- h.[kq + 1, j] - sum * t2
                                h.[kq + 2, j] <- h.[kq + 2, j] - sum * t3
                            for j in 1 .. min (kq + 3) i do
                                let sum = h.[j, kq] + v2 * h.[j, kq + 1] + v3 * h.[j, kq + 2]
                                h.[j, kq] <- h.[j, kq] - sum * t1
                                h.[j, kq + 1] <- h.[j, kq + 1] - sum * t2
                                h.[j, kq + 2] <- h.[j, kq + 2] - sum * t3
                            for j in 1 .. n do
                                let sum = z.[j, kq] + v2 * z.[j, kq + 1] + v3 * z.[j, kq + 2]
                                z.[j, kq] <- z.[j, kq] - sum * t1
                                z.[j, kq + 1] <- z.[j, kq + 1] - sum * t2
                                z.[j, kq + 2] <- z.[j, kq + 2] - sum * t3
                        elif nr = 2 then
                            for j in kq .. n do
                                let sum = h.[kq, j] + v2 * h.[kq + 1, j]
                                h.[kq, j] <- h.[kq, j] - sum * t1
                                h.[kq + 1, j] <- h.[kq + 1, j] - sum * t2
                            for j in 1 .. i do
                                let sum = h.[j, kq] + v2 * h.[j, kq + 1]
                                h.[j, kq] <- h.[j, kq] - sum * t1
                                h.[j, kq + 1] <- h.[j, kq + 1] - sum * t2
                            for j in 1 .. n do
                                let sum = z.[j, kq] + v2 * z.[j, kq + 1]
                                z.[j, kq] <- z.[j, kq] - sum * t1
                                z.[j, kq + 1] <- z.[j, kq + 1] - sum * t2
                    its <- its + 1
            if l = i then
                wr.[i] <- h.[i, i]
                wi.[i] <- 0.0
            elif l = i - 1 then
                let a', b', c', d', r1r, r1i, r2r, r2i, cs, sn = lanv2 h.[i - 1, i - 1] h.[i - 1, i] h.[i, i - 1] h.[i, i]
                h.[i - 1, i - 1] <- a'
                h.[i - 1, i] <- b'
                h.[i, i - 1] <- c'
                h.[i, i] <- d'
                wr.[i - 1] <- r1r
                wi.[i - 1] <- r1i
                wr.[i] <- r2r
                wi.[i] <- r2i
                if n > i then
                    rot (fun q -> h.[i - 1, i + 1 + q]) (fun q x -> h.[i - 1, i + 1 + q] <- x) (fun q -> h.[i, i + 1 + q]) (fun q x -> h.[i, i + 1 + q] <- x) (n - i) cs sn
                rot (fun q -> h.[1 + q, i - 1]) (fun q x -> h.[1 + q, i - 1] <- x) (fun q -> h.[1 + q, i]) (fun q x -> h.[1 + q, i] <- x) (i - 2) cs sn
                rot (fun q -> z.[1 + q, i - 1]) (fun q x -> z.[1 + q, i - 1] <- x) (fun q -> z.[1 + q, i]) (fun q x -> z.[1 + q, i] <- x) n cs sn
            kdefl <- 0
            i <- l - 1
        for j in 1 .. n do
            for i in j + 2 .. n do h.[i, j] <- 0.0
        // dtrevc3: right eigenvectors of the quasi-triangular T = h, back-transformed by Z.
        let smlnumT = sfmin64 * (float n / ulp)
        let vr = Array2D.zeroCreate (n + 1) (n + 1)
        let mutable ki = n
        while ki >= 1 do
            let isPair = ki > 1 && h.[ki, ki - 1] <> 0.0
            if not isPair then
                let w = h.[ki, ki]
                let smin = max (ulp * abs w) smlnumT
                let x = Array.zeroCreate (n + 1)
                x.[ki] <- 1.0
                for q in 1 .. ki - 1 do x.[q] <- -h.[q, ki]
                let mutable j = ki - 1
                while j >= 1 do
                    if j > 1 && h.[j, j - 1] <> 0.0 then
                        // 2×2 diagonal block (j-1, j).
                        let a11 = h.[j - 1, j - 1] - w
                        let a12 = h.[j - 1, j]
                        let a21 = h.[j, j - 1]
                        let a22 = h.[j, j] - w
                        let det = a11 * a22 - a12 * a21
                        let x1 = (x.[j - 1] * a22 - a12 * x.[j]) / det
                        let x2 = (a11 * x.[j] - a21 * x.[j - 1]) / det
                        x.[j - 1] <- x1
                        x.[j] <- x2
                        for q in 1 .. j - 2 do x.[q] <- x.[q] - x1 * h.[q, j - 1] - x2 * h.[q, j]
                        j <- j - 2
                    else
                        let mutable dd = h.[j, j] - w
                        if abs dd < smin then dd <- smin
                        x.[j] <- x.[j] / dd
                        for q in 1 .. j - 1 do x.[q] <- x.[q] - x.[j] * h.[q, j]
                        j <- j - 1
                for r in 1 .. n do
                    let mutable s = 0.0
                    for q in 1 .. ki do s <- s + z.[r, q] * x.[q]
                    vr.[r, ki] <- s
                ki <- ki - 1
            else
                let wre = h.[ki, ki]
                let wim = sqrt (abs h.[ki, ki - 1]) * sqrt (abs h.[ki - 1, ki])
                let lam = Complex(wre, wim)
                let smin = max (ulp * (abs wre + abs wim)) smlnumT
                let x = Array.create (n + 1) Complex.Zero
                if abs h.[ki - 1, ki] >= abs h.[ki, ki - 1] then
                    x.[ki - 1] <- Complex(1.0, 0.0)
                    x.[ki] <- Complex(0.0, wim / h.[ki - 1, ki])
                else
                    x.[ki - 1] <- Complex(-wim / h.[ki, ki - 1], 0.0)
                    x.[ki] <- Complex(0.0, 1.0)
                for q in 1 .. ki - 2 do
                    x.[q] <- Complex(-x.[ki - 1].Real * h.[q, ki - 1], -x.[ki].Imaginary * h.[q, ki])
                let mutable j = ki - 2
                while j >= 1 do
                    if j > 1 && h.[j, j - 1] <> 0.0 then
                        let a11 = Complex(h.[j - 1, j - 1], 0.0) - lam
                        let a12 = Complex(h.[j - 1, j], 0.0)
                        let a21 = Complex(h.[j, j - 1], 0.0)
                        let a22 = Complex(h.[j, j], 0.0) - lam
                        let det = a11 * a22 - a12 * a21
                        let x1 = (x.[j - 1] * a22 - a12 * x.[j]) / det
                        let x2 = (a11 * x.[j] - a21 * x.[j - 1]) / det
                        x.[j - 1] <- x1
                        x.[j] <- x2
                        for q in 1 .. j - 2 do x.[q] <- x.[q] - x1 * h.[q, j - 1] - x2 * h.[q, j]
                        j <- j - 2
                    else
                        let mutable dd = Complex(h.[j, j], 0.0) - lam
                        if abs dd.Real + abs dd.Imaginary < smin then dd <- Complex(smin, 0.0)
                        x.[j] <- x.[j] / dd
                        for q in 1 .. j - 1 do x.[q] <- x.[q] - x.[j] * h.[q, j]
                        j <- j - 1
                for r in 1 .. n do
                    let mutable sr = 0.0
                    let mutable si = 0.0
                    for q in 1 .. ki do
                        sr <- sr + z.[r, q] * x.[q].Real
                        si <- si + z.[r, q] * x.[q].Imaginary
                    vr.[r, ki - 1] <- sr
                    vr.[r, ki] <- si
                ki <- ki - 2
        // dgebak ('B', 'R'): undo the scaling, then the permutations.
        if ilo <> ihi then
            for i in ilo .. ihi do
                for c in 1 .. n do vr.[i, c] <- vr.[i, c] * scale.[i]
        for ii in 1 .. n do
            let mutable i = ii
            if not (i >= ilo && i <= ihi) then
                if i < ilo then i <- ilo - ii
                let kk = int scale.[i]
                if kk <> i then
                    for c in 1 .. n do
                        let t = vr.[i, c]
                        vr.[i, c] <- vr.[kk, c]
                        vr.[kk, c] <- t
        // dgeev's normalisation.
        let nrm2 (c: int) =
            let mutable s = 0.0
            for r in 1 .. n do s <- s + vr.[r, c] * vr.[r, c]
            sqrt s
        let mutable c = 1
        while c <= n do
            if wi.[c] = 0.0 then
                let scl = 1.0 / nrm2 c
                for r in 1 .. n do vr.[r, c] <- vr.[r, c] * scl
                c <- c + 1
            else
                let scl = 1.0 / lapy2 (nrm2 c) (nrm2 (c + 1))
                for r in 1 .. n do
                    vr.[r, c] <- vr.[r, c] * scl
                    vr.[r, c + 1] <- vr.[r, c + 1] * scl
                let mutable kmax = 1
                let mutable best = -1.0
                for r in 1 .. n do
                    let w = vr.[r, c] * vr.[r, c] + vr.[r, c + 1] * vr.[r, c + 1]
                    if w > best then
                        best <- w
                        kmax <- r
                let cs, sn, _ = lartg vr.[kmax, c] vr.[kmax, c + 1]
                for r in 1 .. n do
                    let x, y = vr.[r, c], vr.[r, c + 1]
                    vr.[r, c] <- cs * x + sn * y
                    vr.[r, c + 1] <- cs * y - sn * x
                vr.[kmax, c + 1] <- 0.0
                c <- c + 2
        Array.init n (fun i -> wr.[i + 1]), Array.init n (fun i -> wi.[i + 1]), Array.init (n * n) (fun idx -> vr.[idx / n + 1, idx % n + 1])

    /// The same LAPACK eigen paths in float32 arithmetic (LAPACK's ssyevd/sgeev, as torch runs for float32 inputs),
    /// a mechanical copy of the float64 code above with float32 literals, constants and complex type: keep the
    /// two in step when changing either.
    module Single =
        let private sfminS = BitConverter.Int32BitsToSingle 0x00800000
        let private csub (a: C32) (b: C32) = C32(a.Real - b.Real, a.Imaginary - b.Imaginary)
        let private cmul (a: C32) (b: C32) = C32(a.Real * b.Real - a.Imaginary * b.Imaginary, a.Real * b.Imaginary + a.Imaginary * b.Real)
        let private cmulr (a: C32) (b: float32) = C32(a.Real * b, a.Imaginary * b)
        /// Smith's division, avoiding needless overflow as LAPACK's sladiv does.
        let private cdiv (a: C32) (b: C32) =
            if abs b.Imaginary <= abs b.Real then
                let r = b.Imaginary / b.Real
                let d = b.Real + b.Imaginary * r
                C32((a.Real + a.Imaginary * r) / d, (a.Imaginary - a.Real * r) / d)
            else
                let r = b.Real / b.Imaginary
                let d = b.Imaginary + b.Real * r
                C32((a.Real * r + a.Imaginary) / d, (a.Imaginary * r - a.Real) / d)

        // ---------------------------------------------------------------- LAPACK's symmetric eigen path (dsyevd, small n)

        // LAPACK's dlapy2: sqrt(x² + y²) without undue overflow, in its operation order.
        let lapy2 (x: float32) (y: float32) =
            let w = max (abs x) (abs y)
            let z = min (abs x) (abs y)
            if z = 0.0f then w else w * sqrt (1.0f + (z / w) * (z / w))

        // LAPACK 3.10f+ dlartg: the plane rotation [c s; -s c] with r = ±sqrt(f² + g²) carrying f's sign.
        let lartg (f: float32) (g: float32) =
            let safmin = sfminS
            let safmax = 1.0f / safmin
            let rtmin = sqrt safmin
            let rtmax = sqrt (safmax / 2.0f)
            let f1, g1 = abs f, abs g
            if g = 0.0f then 1.0f, 0.0f, f
            elif f = 0.0f then 0.0f, (if g >= 0.0f then 1.0f else -1.0f), g1
            elif f1 > rtmin && f1 < rtmax && g1 > rtmin && g1 < rtmax then
                let d = sqrt (f * f + g * g)
                let r = MathF.CopySign(d, f)
                f1 / d, g / r, r
            else
                let u = min safmax (max safmin (max f1 g1))
                let fs, gs = f / u, g / u
                let d = sqrt (fs * fs + gs * gs)
                let r = MathF.CopySign(d, f)
                abs fs / d, gs / r, r * u

        // LAPACK's dlaev2: eigen-decomposition of [[a, b], [b, c]]: rt1 (larger modulus), rt2, and (cs1, sn1),
        // the unit eigenvector of rt1.
        let laev2 (a: float32) (b: float32) (c: float32) =
            let sm = a + c
            let df = a - c
            let adf = abs df
            let tb = b + b
            let ab = abs tb
            let acmx, acmn = if abs a > abs c then a, c else c, a
            let rt =
                if adf > ab then adf * sqrt (1.0f + (ab / adf) * (ab / adf))
                elif adf < ab then ab * sqrt (1.0f + (adf / ab) * (adf / ab))
                else ab * sqrt 2.0f
            let rt1, rt2, sgn1 =
                if sm < 0.0f then
                    let rt1 = 0.5f * (sm - rt)
                    rt1, (acmx / rt1) * acmn - (b / rt1) * b, -1
                elif sm > 0.0f then
                    let rt1 = 0.5f * (sm + rt)
                    rt1, (acmx / rt1) * acmn - (b / rt1) * b, 1
                else 0.5f * rt, -0.5f * rt, 1
            let cs, sgn2 = if df >= 0.0f then df + rt, 1 else df - rt, -1
            let mutable cs1, sn1 =
                if abs cs > ab then
                    let ct = -tb / cs
                    let sn1 = 1.0f / sqrt (1.0f + ct * ct)
                    ct * sn1, sn1
                elif ab = 0.0f then 1.0f, 0.0f
                else
                    let tn = -cs / tb
                    let cs1 = 1.0f / sqrt (1.0f + tn * tn)
                    cs1, tn * cs1
            if sgn1 = sgn2 then
                let tn = cs1
                cs1 <- -sn1
                sn1 <- tn
            rt1, rt2, cs1, sn1

        // The Householder reflector of LAPACK's dlarfg on (alpha, x): returns (beta, tau) and scales x in place
        // (x is read and written through get and set).
        let private larfg (alpha: float32) (get: int -> float32) (set: int -> float32 -> unit) (len: int) =
            if len < 1 then alpha, 0.0f
            else
                let mutable ss = 0.0f
                for k in 0 .. len - 1 do ss <- ss + get k * get k
                let xnorm = sqrt ss
                if xnorm = 0.0f then alpha, 0.0f
                else
                    let beta = -(MathF.CopySign(lapy2 alpha xnorm, alpha))
                    let tau = (beta - alpha) / beta
                    let scal = 1.0f / (alpha - beta)
                    for k in 0 .. len - 1 do set k (get k * scal)
                    beta, tau

        // Eigenvalues (ascending) and eigenvectors (columns, row-major n×n) of the symmetric matrix whose lower
        // triangle is at `off`, along LAPACK's dsyevd path for n ≤ 25: dsytd2 tridiagonalisation, dsteqr's
        // implicit QL/QR with Z = I, dorm2r back-transform; so eigenvector signs are LAPACK's.
        let eighLapack (n: int) (src: float32[]) (off: int) =
            if n = 0 then [||], [||]
            elif n = 1 then [| src.[off] |], [| 1.0f |]
            else
            // 1-based arrays mirror the Fortran so the control flow can be checked line by line.
            let a = Array2D.init (n + 1) (n + 1) (fun i j -> if i >= 1 && j >= 1 && i >= j then src.[off + (i - 1) * n + (j - 1)] else 0.0f)
            let d = Array.zeroCreate (n + 1)
            let e = Array.zeroCreate (n + 1)
            let tau = Array.zeroCreate (n + 1)
            for i in 1 .. n - 1 do
                let beta, taui = larfg a.[i + 1, i] (fun k -> a.[i + 2 + k, i]) (fun k v -> a.[i + 2 + k, i] <- v) (n - i - 1)
                e.[i] <- beta
                a.[i + 1, i] <- beta
                if taui <> 0.0f then
                    a.[i + 1, i] <- 1.0f
                    let m = n - i
                    let v k = a.[i + k, i]
                    let y = Array.zeroCreate (m + 1)
                    for j in 1 .. m do
                        let temp1 = taui * v j
                        let mutable temp2 = 0.0f
                        y.[j] <- y.[j] + temp1 * a.[i + j, i + j]
                        for k in j + 1 .. m do
                            y.[k] <- y.[k] + temp1 * a.[i + k, i + j]
                            temp2 <- temp2 + a.[i + k, i + j] * v k
                        y.[j] <- y.[j] + taui * temp2
                    let mutable dot = 0.0f
                    for k in 1 .. m do dot <- dot + y.[k] * v k
                    let alpha = -0.5f * taui * dot
                    for k in 1 .. m do y.[k] <- y.[k] + alpha * v k
                    for j in 1 .. m do
                        if v j <> 0.0f || y.[j] <> 0.0f then
                            let temp1 = -y.[j]
                            let temp2 = -(v j)
                            for k in j .. m do a.[i + k, i + j] <- a.[i + k, i + j] + v k * temp1 + y.[k] * temp2
                    a.[i + 1, i] <- e.[i]
                d.[i] <- a.[i, i]
                tau.[i] <- taui
            d.[n] <- a.[n, n]
            // dsteqr (compz = 'I').
            let z = Array2D.init (n + 1) (n + 1) (fun i j -> if i = j then 1.0f else 0.0f)
            let eps = 5.9604645e-08f
            let eps2 = eps * eps
            let safmin = sfminS
            let rotate (first: int) (count: int) (c: float32[]) (s: float32[]) (forward: bool) =
                // dlasr('R', 'V', F/B) on columns first .. first+count-1 of Z; c/s indexed from 1.
                let js = if forward then [ 1 .. count - 1 ] else [ count - 1 .. -1 .. 1 ]
                for j in js do
                    let ct, st = c.[j], s.[j]
                    if ct <> 1.0f || st <> 0.0f then
                        for r in 1 .. n do
                            let temp = z.[r, first + j]
                            z.[r, first + j] <- ct * temp - st * z.[r, first + j - 1]
                            z.[r, first + j - 1] <- st * temp + ct * z.[r, first + j - 1]
            let nmaxit = n * 30
            let mutable jtot = 0
            let mutable l1 = 1
            let mutable finished = false
            while not finished do
                if l1 > n then finished <- true
                else
                    if l1 > 1 then e.[l1 - 1] <- 0.0f
                    let mutable m = n
                    let mutable mm = l1
                    let mutable found = false
                    while not found && mm <= n - 1 do
                        let tst = abs e.[mm]
                        if tst = 0.0f then found <- true
                        elif tst <= (sqrt (abs d.[mm]) * sqrt (abs d.[mm + 1])) * eps then
                            e.[mm] <- 0.0f
                            found <- true
                        else mm <- mm + 1
                    if found then m <- mm
                    let mutable l = l1
                    let lsv = l
                    let mutable lend = m
                    let lendsv = lend
                    l1 <- m + 1
                    let mutable anorm = 0.0f
                    if lend <> l then
                        for k in l .. lend do anorm <- max anorm (abs d.[k])
                        for k in l .. lend - 1 do anorm <- max anorm (abs e.[k])
                    if lend <> l && anorm <> 0.0f then
                        if abs d.[lend] < abs d.[l] then
                            lend <- lsv
                            l <- lendsv
                        let mutable go = true
                        if lend > l then
                            // QL iteration.
                            while go do
                                let mutable m = lend
                                if l <> lend then
                                    let mutable k = l
                                    let mutable hit = false
                                    while not hit && k <= lend - 1 do
                                        if abs e.[k] * abs e.[k] <= (eps2 * abs d.[k]) * abs d.[k + 1] + safmin then hit <- true else k <- k + 1
                                    if hit then m <- k
                                if m < lend then e.[m] <- 0.0f
                                let mutable p = d.[l]
                                if m = l then
                                    d.[l] <- p
                                    l <- l + 1
                                    if l > lend then go <- false
                                elif m = l + 1 then
                                    let rt1, rt2, c, s = laev2 d.[l] e.[l] d.[l + 1]
                                    rotate l 2 [| 0.0f; c |] [| 0.0f; s |] false
                                    d.[l] <- rt1
                                    d.[l + 1] <- rt2
                                    e.[l] <- 0.0f
                                    l <- l + 2
                                    if l > lend then go <- false
                                elif jtot = nmaxit then go <- false
                                else
                                    jtot <- jtot + 1
                                    let mutable g = (d.[l + 1] - p) / (2.0f * e.[l])
                                    let mutable r = lapy2 g 1.0f
                                    g <- d.[m] - p + (e.[l] / (g + MathF.CopySign(r, g)))
                                    let mutable s = 1.0f
                                    let mutable c = 1.0f
                                    p <- 0.0f
                                    let cw = Array.zeroCreate (m - l + 1)
                                    let sw = Array.zeroCreate (m - l + 1)
                                    for i in m - 1 .. -1 .. l do
                                        let f = s * e.[i]
                                        let b = c * e.[i]
                                        let c', s', r' = lartg g f
                                        c <- c'
                                        s <- s'
                                        r <- r'
                                        if i <> m - 1 then e.[i + 1] <- r
                                        g <- d.[i + 1] - p
                                        r <- (d.[i] - g) * s + 2.0f * c * b
                                        p <- s * r
                                        d.[i + 1] <- g + p
                                        g <- c * r - b
                                        cw.[i - l + 1] <- c
                                        sw.[i - l + 1] <- -s
                                    rotate l (m - l + 1) cw sw false
                                    d.[l] <- d.[l] - p
                                    e.[l] <- g
                        else
                            // QR iteration.
                            while go do
                                let mutable m = lend
                                if l <> lend then
                                    let mutable k = l
                                    let mutable hit = false
                                    while not hit && k >= lend + 1 do
                                        if abs e.[k - 1] * abs e.[k - 1] <= (eps2 * abs d.[k]) * abs d.[k - 1] + safmin then hit <- true else k <- k - 1
                                    if hit then m <- k
                                if m > lend then e.[m - 1] <- 0.0f
                                let mutable p = d.[l]
                                if m = l then
                                    d.[l] <- p
                                    l <- l - 1
                                    if l < lend then go <- false
                                elif m = l - 1 then
                                    let rt1, rt2, c, s = laev2 d.[l - 1] e.[l - 1] d.[l]
                                    rotate (l - 1) 2 [| 0.0f; c |] [| 0.0f; s |] true
                                    d.[l - 1] <- rt1
                                    d.[l] <- rt2
                                    e.[l - 1] <- 0.0f
                                    l <- l - 2
                                    if l < lend then go <- false
                                elif jtot = nmaxit then go <- false
                                else
                                    jtot <- jtot + 1
                                    let mutable g = (d.[l - 1] - p) / (2.0f * e.[l - 1])
                                    let mutable r = lapy2 g 1.0f
                                    g <- d.[m] - p + (e.[l - 1] / (g + MathF.CopySign(r, g)))
                                    let mutable s = 1.0f
                                    let mutable c = 1.0f
                                    p <- 0.0f
                                    let cw = Array.zeroCreate (l - m + 1)
                                    let sw = Array.zeroCreate (l - m + 1)
                                    for i in m .. l - 1 do
                                        let f = s * e.[i]
                                        let b = c * e.[i]
                                        let c', s', r' = lartg g f
                                        c <- c'
                                        s <- s'
                                        r <- r'
                                        if i <> m then e.[i - 1] <- r
                                        g <- d.[i] - p
                                        r <- (d.[i + 1] - g) * s + 2.0f * c * b
                                        p <- s * r
                                        d.[i] <- g + p
                                        g <- c * r - b
                                        cw.[i - m + 1] <- c
                                        sw.[i - m + 1] <- s
                                    rotate m (l - m + 1) cw sw true
                                    d.[l] <- d.[l] - p
                                    e.[l - 1] <- g
                    if jtot >= nmaxit then invalidOp "linalg.eigh: the algorithm failed to converge"
            // Selection sort as dsteqr does it (stable for ties, swapping whole vectors).
            for ii in 2 .. n do
                let i = ii - 1
                let mutable k = i
                let mutable p = d.[i]
                for j in ii .. n do
                    if d.[j] < p then
                        k <- j
                        p <- d.[j]
                if k <> i then
                    d.[k] <- d.[i]
                    d.[i] <- p
                    for r in 1 .. n do
                        let t = z.[r, i]
                        z.[r, i] <- z.[r, k]
                        z.[r, k] <- t
            // dormtr/dorm2r: Z := Q Z with Q = H(1) ... H(n-1), applied last reflector first.
            for i in n - 1 .. -1 .. 1 do
                let t = tau.[i]
                if t <> 0.0f then
                    let v k = if k = i + 1 then 1.0f else a.[k, i]
                    for j in 1 .. n do
                        let mutable w = 0.0f
                        for k in i + 1 .. n do w <- w + z.[k, j] * v k
                        if w <> 0.0f then
                            let temp = -t * w
                            for k in i + 1 .. n do z.[k, j] <- z.[k, j] + v k * temp
            Array.init n (fun i -> d.[i + 1]), Array.init (n * n) (fun idx -> z.[idx / n + 1, idx % n + 1])

        // ---------------------------------------------------------------- LAPACK's general eigen path (dgeev, small n)

        // LAPACK's dlanv2: the Schur factorisation of the real 2×2 block [[a, b], [c, d]] in standard form.
        // Returns (a, b, c, d, rt1r, rt1i, rt2r, rt2i, cs, sn).
        let private lanv2 (a0: float32) (b0: float32) (c0: float32) (d0: float32) =
            let eps = 1.1920929e-07f
            let mutable a, b, c, d = a0, b0, c0, d0
            let mutable cs, sn = 1.0f, 0.0f
            let sign1 (x: float32) = if x >= 0.0f || (x = 0.0f && not (Single.IsNegative x)) then 1.0f else -1.0f
            if c = 0.0f then ()
            elif b = 0.0f then
                cs <- 0.0f
                sn <- 1.0f
                let temp = d
                d <- a
                a <- temp
                b <- -c
                c <- 0.0f
            elif a - d = 0.0f && sign1 b <> sign1 c then ()
            else
                let temp = a - d
                let mutable p = 0.5f * temp
                let bcmax = max (abs b) (abs c)
                let bcmis = min (abs b) (abs c) * sign1 b * sign1 c
                let scale = max (abs p) bcmax
                let mutable z = (p / scale) * p + (bcmax / scale) * bcmis
                if z >= 4.0f * eps then
                    z <- p + MathF.CopySign(sqrt scale * sqrt z, p)
                    a <- d + z
                    d <- d - (bcmax / z) * bcmis
                    let tau = lapy2 c z
                    cs <- z / tau
                    sn <- c / tau
                    b <- b - c
                    c <- 0.0f
                else
                    // Complex or nearly equal real eigenvalues: make the diagonal elements equal.
                    let sigma = b + c
                    let tau = lapy2 sigma temp
                    cs <- sqrt (0.5f * (1.0f + abs sigma / tau))
                    sn <- -(p / (tau * cs)) * sign1 sigma
                    let aa = a * cs + b * sn
                    let bb = -a * sn + b * cs
                    let cc = c * cs + d * sn
                    let dd = -c * sn + d * cs
                    a <- aa * cs + cc * sn
                    b <- (bb * cs) + (dd * sn)
                    c <- -(aa * sn) + (cc * cs)
                    d <- -bb * sn + dd * cs
                    let temp = 0.5f * (a + d)
                    a <- temp
                    d <- temp
                    if c <> 0.0f then
                        if b <> 0.0f then
                            if sign1 b = sign1 c then
                                let sab = sqrt (abs b)
                                let sac = sqrt (abs c)
                                p <- MathF.CopySign(sab * sac, c)
                                let tau = 1.0f / sqrt (abs (b + c))
                                a <- temp + p
                                d <- temp - p
                                b <- b - c
                                c <- 0.0f
                                let cs1 = sab * tau
                                let sn1 = sac * tau
                                let temp = cs * cs1 - sn * sn1
                                sn <- cs * sn1 + sn * cs1
                                cs <- temp
                        else
                            b <- -c
                            c <- 0.0f
                            let temp = cs
                            cs <- -sn
                            sn <- temp
            let rt1i, rt2i = if c = 0.0f then 0.0f, 0.0f else let r = sqrt (abs b) * sqrt (abs c) in r, -r
            a, b, c, d, a, rt1i, d, rt2i, cs, sn

        // Eigenvalues and right eigenvectors of the real n×n row-major matrix at `off` along LAPACK's dgeev path
        // for small n: dgebal balancing (permutation and scaling), dgehd2 Hessenberg reduction, dorg2r, dlahqr's
        // double-shift QR (its deflation order gives the eigenvalue order), dtrevc3 back-substitution and
        // back-transform, dgebak, and dgeev's normalisation (unit 2-norm; for a complex pair the largest-modulus
        // component made real). Returns (wr, wi, vr) with vr row-major and LAPACK's packing of complex pairs:
        // columns j, j+1 hold the real and imaginary parts of the vector of wr[j] + i·wi[j] (wi[j] > 0).
        let eigLapack (n: int) (src: float32[]) (off: int) =
            let a = Array2D.init (n + 1) (n + 1) (fun i j -> if i >= 1 && j >= 1 then src.[off + (i - 1) * n + (j - 1)] else 0.0f)
            let scale = Array.create (n + 1) 1.0f
            let swapCols (j: int) (m: int) (rows: int) =
                for r in 1 .. rows do
                    let t = a.[r, j]
                    a.[r, j] <- a.[r, m]
                    a.[r, m] <- t
            let swapRows (j: int) (m: int) (fromCol: int) =
                for c in fromCol .. n do
                    let t = a.[j, c]
                    a.[j, c] <- a.[m, c]
                    a.[m, c] <- t
            // dgebal, job 'B': isolate eigenvalues by permutations, then scale by powers of two.
            let mutable k = 1
            let mutable l = n
            let mutable searching = n > 0
            let mutable stopAll = false
            while searching do
                let mutable found = false
                let mutable j = l
                while not found && j >= 1 do
                    let mutable zeroRow = true
                    for i in 1 .. l do
                        if i <> j && a.[j, i] <> 0.0f then zeroRow <- false
                    if zeroRow then found <- true else j <- j - 1
                if found then
                    scale.[l] <- float32 j
                    if j <> l then
                        swapCols j l l
                        swapRows j l k
                    if l = 1 then
                        searching <- false
                        stopAll <- true
                    else l <- l - 1
                else searching <- false
            if not stopAll then
                let mutable colSearch = true
                while colSearch do
                    let mutable found = false
                    let mutable j = k
                    while not found && j <= l do
                        let mutable zeroCol = true
                        for i in k .. l do
                            if i <> j && a.[i, j] <> 0.0f then zeroCol <- false
                        if zeroCol then found <- true else j <- j + 1
                    if found then
                        scale.[k] <- float32 j
                        if j <> k then
                            swapCols j k l
                            swapRows j k k
                        k <- k + 1
                    else colSearch <- false
                for i in k .. l do scale.[i] <- 1.0f
                let sfmin1 = sfminS / 1.1920929e-07f
                let sfmax1 = 1.0f / sfmin1
                let sfmin2 = sfmin1 * 2.0f
                let sfmax2 = 1.0f / sfmin2
                let mutable noconv = true
                while noconv do
                    noconv <- false
                    for i in k .. l do
                        let mutable cs = 0.0f
                        let mutable rs = 0.0f
                        for t in k .. l do
                            cs <- cs + a.[t, i] * a.[t, i]
                            rs <- rs + a.[i, t] * a.[i, t]
                        let mutable c = sqrt cs
                        let mutable r = sqrt rs
                        let mutable ca = 0.0f
                        for t in 1 .. l do ca <- max ca (abs a.[t, i])
                        let mutable ra = 0.0f
                        for t in k .. n do ra <- max ra (abs a.[i, t])
                        if c <> 0.0f && r <> 0.0f then
                            let mutable g = r / 2.0f
                            let mutable f = 1.0f
                            let s = c + r
                            while not (c >= g || max f (max c ca) >= sfmax2 || min r (min g ra) <= sfmin2) do
                                f <- f * 2.0f
                                c <- c * 2.0f
                                ca <- ca * 2.0f
                                r <- r / 2.0f
                                g <- g / 2.0f
                                ra <- ra / 2.0f
                            g <- c / 2.0f
                            while not (g < r || max r ra >= sfmax2 || min (min f c) (min g ca) <= sfmin2) do
                                f <- f / 2.0f
                                c <- c / 2.0f
                                g <- g / 2.0f
                                ca <- ca / 2.0f
                                r <- r * 2.0f
                                ra <- ra * 2.0f
                            let skip =
                                (c + r) >= 0.95f * s
                                || (f < 1.0f && scale.[i] < 1.0f && f * scale.[i] <= sfmin1)
                                || (f > 1.0f && scale.[i] > 1.0f && scale.[i] >= sfmax1 / f)
                            if not skip then
                                let g = 1.0f / f
                                scale.[i] <- scale.[i] * f
                                noconv <- true
                                for t in k .. n do a.[i, t] <- a.[i, t] * g
                                for t in 1 .. l do a.[t, i] <- a.[t, i] * f
            let ilo, ihi = (if stopAll then 1, 1 else k, l)
            // dgehd2: Householder reduction to upper Hessenberg form.
            let tau = Array.zeroCreate (n + 1)
            for i in ilo .. ihi - 1 do
                let beta, t = larfg a.[i + 1, i] (fun q -> a.[i + 2 + q, i]) (fun q v -> a.[i + 2 + q, i] <- v) (ihi - i - 1)
                tau.[i] <- t
                a.[i + 1, i] <- 1.0f
                let v q = a.[i + q, i] // q = 1 .. ihi - i
                let len = ihi - i
                if t <> 0.0f then
                    // Right: A(1:ihi, i+1:ihi) -= t (A v) vᵀ.
                    let w = Array.zeroCreate (ihi + 1)
                    for q in 1 .. len do
                        let temp = v q
                        for r in 1 .. ihi do w.[r] <- w.[r] + temp * a.[r, i + q]
                    for q in 1 .. len do
                        let temp = -t * v q
                        for r in 1 .. ihi do a.[r, i + q] <- a.[r, i + q] + w.[r] * temp
                    // Left: A(i+1:ihi, i+1:n) -= t v (vᵀ A).
                    for c in i + 1 .. n do
                        let mutable s = 0.0f
                        for q in 1 .. len do s <- s + a.[i + q, c] * v q
                        if s <> 0.0f then
                            let temp = -t * s
                            for q in 1 .. len do a.[i + q, c] <- a.[i + q, c] + v q * temp
                a.[i + 1, i] <- beta
            // dorghr/dorg2r: Q = H(ilo) ... H(ihi-1) formed explicitly.
            let z = Array2D.init (n + 1) (n + 1) (fun i j -> if i = j then 1.0f else 0.0f)
            let nh = ihi - ilo
            if nh > 0 then
                let o = ilo
                // Sub-matrix W(p, q) = Z(o+p, o+q), p, q = 1 .. nh; column p starts as reflector p's tail.
                for p in 1 .. nh do
                    for q in 1 .. nh do z.[o + q, o + p] <- (if q > p then a.[o + q, o + p - 1] else 0.0f)
                for p in nh .. -1 .. 1 do
                    let tp = tau.[o + p - 1]
                    if p < nh then
                        z.[o + p, o + p] <- 1.0f
                        for c in p + 1 .. nh do
                            let mutable s = 0.0f
                            for q in p .. nh do s <- s + z.[o + q, o + c] * z.[o + q, o + p]
                            if s <> 0.0f then
                                let temp = -tp * s
                                for q in p .. nh do z.[o + q, o + c] <- z.[o + q, o + c] + z.[o + q, o + p] * temp
                        for q in p + 1 .. nh do z.[o + q, o + p] <- -tp * z.[o + q, o + p]
                    z.[o + p, o + p] <- 1.0f - tp
                    for q in 1 .. p - 1 do z.[o + q, o + p] <- 0.0f
            let h = a
            for j in 1 .. n do
                for i in j + 2 .. n do h.[i, j] <- 0.0f
            // dhseqr → dlahqr (wantt, wantz) on rows/columns ilo .. ihi.
            let wr = Array.zeroCreate (n + 1)
            let wi = Array.zeroCreate (n + 1)
            for i in 1 .. n do
                if i < ilo || i > ihi then wr.[i] <- h.[i, i]
            let ulp = 1.1920929e-07f
            let smlnum = sfminS * (float32 (ihi - ilo + 1) / ulp)
            let itmax = 30 * max 10 (ihi - ilo + 1)
            let rot (x: int -> float32) (setx: int -> float32 -> unit) (y: int -> float32) (sety: int -> float32 -> unit) (cnt: int) (cs: float32) (sn: float32) =
                for q in 0 .. cnt - 1 do
                    let temp = cs * x q + sn * y q
                    sety q (cs * y q - sn * x q)
                    setx q temp
            let mutable kdefl = 0
            let mutable i = ihi
            while i >= ilo do
                let mutable l = ilo
                let mutable its = 0
                let mutable deflated = false
                while not deflated do
                    if its > itmax then invalidOp "linalg.eig: the algorithm failed to converge"
                    let mutable kk = i
                    let mutable stop = false
                    while not stop && kk >= l + 1 do
                        if abs h.[kk, kk - 1] <= smlnum then stop <- true
                        else
                            let mutable tst = abs h.[kk - 1, kk - 1] + abs h.[kk, kk]
                            if tst = 0.0f then
                                if kk - 2 >= ilo then tst <- tst + abs h.[kk - 1, kk - 2]
                                if kk + 1 <= ihi then tst <- tst + abs h.[kk + 1, kk]
                            if abs h.[kk, kk - 1] <= ulp * tst then
                                let ab = max (abs h.[kk, kk - 1]) (abs h.[kk - 1, kk])
                                let ba = min (abs h.[kk, kk - 1]) (abs h.[kk - 1, kk])
                                let aa = max (abs h.[kk, kk]) (abs (h.[kk - 1, kk - 1] - h.[kk, kk]))
                                let bb = min (abs h.[kk, kk]) (abs (h.[kk - 1, kk - 1] - h.[kk, kk]))
                                let s = aa + ab
                                if ba * (ab / s) <= max smlnum (ulp * (bb * (aa / s))) then stop <- true else kk <- kk - 1
                            else kk <- kk - 1
                    l <- kk
                    if l > ilo then h.[l, l - 1] <- 0.0f
                    if l >= i - 1 then deflated <- true
                    else
                        kdefl <- kdefl + 1
                        let h11, h12, h21, h22 =
                            if kdefl % 20 = 0 then
                                let s = abs h.[i, i - 1] + abs h.[i - 1, i - 2]
                                let h11 = 0.75f * s + h.[i, i]
                                h11, -0.4375f * s, s, h11
                            elif kdefl % 10 = 0 then
                                let s = abs h.[l + 1, l] + abs h.[l + 2, l + 1]
                                let h11 = 0.75f * s + h.[l, l]
                                h11, -0.4375f * s, s, h11
                            else h.[i - 1, i - 1], h.[i - 1, i], h.[i, i - 1], h.[i, i]
                        let s = abs h11 + abs h12 + abs h21 + abs h22
                        let rt1r, rt1i, rt2r, rt2i =
                            if s = 0.0f then 0.0f, 0.0f, 0.0f, 0.0f
                            else
                                let h11, h21, h12, h22 = h11 / s, h21 / s, h12 / s, h22 / s
                                let tr = (h11 + h22) / 2.0f
                                let det = (h11 - tr) * (h22 - tr) - h12 * h21
                                let rtdisc = sqrt (abs det)
                                if det >= 0.0f then tr * s, rtdisc * s, tr * s, -(rtdisc * s)
                                else
                                    let r1 = tr + rtdisc
                                    let r2 = tr - rtdisc
                                    let r = if abs (r1 - h22) <= abs (r2 - h22) then r1 * s else r2 * s
                                    r, 0.0f, r, 0.0f
                        let mutable m = i - 2
                        let v = Array.zeroCreate 4
                        let mutable found = false
                        while not found do
                            let h21s0 = h.[m + 1, m]
                            let s = abs (h.[m, m] - rt2r) + abs rt2i + abs h21s0
                            let h21s = h.[m + 1, m] / s
                            v.[1] <- h21s * h.[m, m + 1] + (h.[m, m] - rt1r) * ((h.[m, m] - rt2r) / s) - rt1i * (rt2i / s)
                            v.[2] <- h21s * (h.[m, m] + h.[m + 1, m + 1] - rt1r - rt2r)
                            v.[3] <- h21s * h.[m + 2, m + 1]
                            let s = abs v.[1] + abs v.[2] + abs v.[3]
                            v.[1] <- v.[1] / s
                            v.[2] <- v.[2] / s
                            v.[3] <- v.[3] / s
                            if m = l then found <- true
                            elif abs h.[m, m - 1] * (abs v.[2] + abs v.[3]) <= ulp * abs v.[1] * (abs h.[m - 1, m - 1] + abs h.[m, m] + abs h.[m + 1, m + 1]) then found <- true
                            else m <- m - 1
                        for kq in m .. i - 1 do
                            let nr = min 3 (i - kq + 1)
                            if kq > m then
                                for q in 1 .. nr do v.[q] <- h.[kq + q - 1, kq - 1]
                            let beta, t1 = larfg v.[1] (fun q -> v.[2 + q]) (fun q x -> v.[2 + q] <- x) (nr - 1)
                            v.[1] <- beta
                            if kq > m then
                                h.[kq, kq - 1] <- v.[1]
                                h.[kq + 1, kq - 1] <- 0.0f
                                if kq < i - 1 then h.[kq + 2, kq - 1] <- 0.0f
                            elif m > l then
                                h.[kq, kq - 1] <- h.[kq, kq - 1] * (1.0f - t1)
                            let v2 = v.[2]
                            let t2 = t1 * v2
                            if nr = 3 then
                                let v3 = v.[3]
                                let t3 = t1 * v3
                                for j in kq .. n do
                                    let sum = h.[kq, j] + v2 * h.[kq + 1, j] + v3 * h.[kq + 2, j]
                                    h.[kq, j] <- h.[kq, j] - sum * t1
                                    h.[kq + 1, j] <- h.[kq + 1, j] - sum * t2
                                    h.[kq + 2, j] <- h.[kq + 2, j] - sum * t3
                                for j in 1 .. min (kq + 3) i do
                                    let sum = h.[j, kq] + v2 * h.[j, kq + 1] + v3 * h.[j, kq + 2]
                                    h.[j, kq] <- h.[j, kq] - sum * t1
                                    h.[j, kq + 1] <- h.[j, kq + 1] - sum * t2
                                    h.[j, kq + 2] <- h.[j, kq + 2] - sum * t3
                                for j in 1 .. n do
                                    let sum = z.[j, kq] + v2 * z.[j, kq + 1] + v3 * z.[j, kq + 2]
                                    z.[j, kq] <- z.[j, kq] - sum * t1
                                    z.[j, kq + 1] <- z.[j, kq + 1] - sum * t2
                                    z.[j, kq + 2] <- z.[j, kq + 2] - sum * t3
                            elif nr = 2 then
                                for j in kq .. n do
                                    let sum = h.[kq, j] + v2 * h.[kq + 1, j]
                                    h.[kq, j] <- h.[kq, j] - sum * t1
                                    h.[kq + 1, j] <- h.[kq + 1, j] - sum * t2
                                for j in 1 .. i do
                                    let sum = h.[j, kq] + v2 * h.[j, kq + 1]
                                    h.[j, kq] <- h.[j, kq] - sum * t1
                                    h.[j, kq + 1] <- h.[j, kq + 1] - sum * t2
                                for j in 1 .. n do
                                    let sum = z.[j, kq] + v2 * z.[j, kq + 1]
                                    z.[j, kq] <- z.[j, kq] - sum * t1
                                    z.[j, kq + 1] <- z.[j, kq + 1] - sum * t2
                        its <- its + 1
                if l = i then
                    wr.[i] <- h.[i, i]
                    wi.[i] <- 0.0f
                elif l = i - 1 then
                    let a', b', c', d', r1r, r1i, r2r, r2i, cs, sn = lanv2 h.[i - 1, i - 1] h.[i - 1, i] h.[i, i - 1] h.[i, i]
                    h.[i - 1, i - 1] <- a'
                    h.[i - 1, i] <- b'
                    h.[i, i - 1] <- c'
                    h.[i, i] <- d'
                    wr.[i - 1] <- r1r
                    wi.[i - 1] <- r1i
                    wr.[i] <- r2r
                    wi.[i] <- r2i
                    if n > i then
                        rot (fun q -> h.[i - 1, i + 1 + q]) (fun q x -> h.[i - 1, i + 1 + q] <- x) (fun q -> h.[i, i + 1 + q]) (fun q x -> h.[i, i + 1 + q] <- x) (n - i) cs sn
                    rot (fun q -> h.[1 + q, i - 1]) (fun q x -> h.[1 + q, i - 1] <- x) (fun q -> h.[1 + q, i]) (fun q x -> h.[1 + q, i] <- x) (i - 2) cs sn
                    rot (fun q -> z.[1 + q, i - 1]) (fun q x -> z.[1 + q, i - 1] <- x) (fun q -> z.[1 + q, i]) (fun q x -> z.[1 + q, i] <- x) n cs sn
                kdefl <- 0
                i <- l - 1
            for j in 1 .. n do
                for i in j + 2 .. n do h.[i, j] <- 0.0f
            // dtrevc3: right eigenvectors of the quasi-triangular T = h, back-transformed by Z.
            let smlnumT = sfminS * (float32 n / ulp)
            let vr = Array2D.zeroCreate (n + 1) (n + 1)
            let mutable ki = n
            while ki >= 1 do
                let isPair = ki > 1 && h.[ki, ki - 1] <> 0.0f
                if not isPair then
                    let w = h.[ki, ki]
                    let smin = max (ulp * abs w) smlnumT
                    let x = Array.zeroCreate (n + 1)
                    x.[ki] <- 1.0f
                    for q in 1 .. ki - 1 do x.[q] <- -h.[q, ki]
                    let mutable j = ki - 1
                    while j >= 1 do
                        if j > 1 && h.[j, j - 1] <> 0.0f then
                            // 2×2 diagonal block (j-1, j).
                            let a11 = h.[j - 1, j - 1] - w
                            let a12 = h.[j - 1, j]
                            let a21 = h.[j, j - 1]
                            let a22 = h.[j, j] - w
                            let det = a11 * a22 - a12 * a21
                            let x1 = (x.[j - 1] * a22 - a12 * x.[j]) / det
                            let x2 = (a11 * x.[j] - a21 * x.[j - 1]) / det
                            x.[j - 1] <- x1
                            x.[j] <- x2
                            for q in 1 .. j - 2 do x.[q] <- x.[q] - x1 * h.[q, j - 1] - x2 * h.[q, j]
                            j <- j - 2
                        else
                            let mutable dd = h.[j, j] - w
                            if abs dd < smin then dd <- smin
                            x.[j] <- x.[j] / dd
                            for q in 1 .. j - 1 do x.[q] <- x.[q] - x.[j] * h.[q, j]
                            j <- j - 1
                    for r in 1 .. n do
                        let mutable s = 0.0f
                        for q in 1 .. ki do s <- s + z.[r, q] * x.[q]
                        vr.[r, ki] <- s
                    ki <- ki - 1
                else
                    let wre = h.[ki, ki]
                    let wim = sqrt (abs h.[ki, ki - 1]) * sqrt (abs h.[ki - 1, ki])
                    let lam = C32(wre, wim)
                    let smin = max (ulp * (abs wre + abs wim)) smlnumT
                    let x = Array.create (n + 1) C32.Zero
                    if abs h.[ki - 1, ki] >= abs h.[ki, ki - 1] then
                        x.[ki - 1] <- C32(1.0f, 0.0f)
                        x.[ki] <- C32(0.0f, wim / h.[ki - 1, ki])
                    else
                        x.[ki - 1] <- C32(-wim / h.[ki, ki - 1], 0.0f)
                        x.[ki] <- C32(0.0f, 1.0f)
                    for q in 1 .. ki - 2 do
                        x.[q] <- C32(-x.[ki - 1].Real * h.[q, ki - 1], -x.[ki].Imaginary * h.[q, ki])
                    let mutable j = ki - 2
                    while j >= 1 do
                        if j > 1 && h.[j, j - 1] <> 0.0f then
                            let a11 = csub (C32(h.[j - 1, j - 1], 0.0f)) lam
                            let a12 = C32(h.[j - 1, j], 0.0f)
                            let a21 = C32(h.[j, j - 1], 0.0f)
                            let a22 = csub (C32(h.[j, j], 0.0f)) lam
                            let det = csub (cmul a11 a22) (cmul a12 a21)
                            let x1 = cdiv (csub (cmul x.[j - 1] a22) (cmul a12 x.[j])) det
                            let x2 = cdiv (csub (cmul a11 x.[j]) (cmul a21 x.[j - 1])) det
                            x.[j - 1] <- x1
                            x.[j] <- x2
                            for q in 1 .. j - 2 do x.[q] <- csub (csub x.[q] (cmulr x1 h.[q, j - 1])) (cmulr x2 h.[q, j])
                            j <- j - 2
                        else
                            let mutable dd = csub (C32(h.[j, j], 0.0f)) lam
                            if abs dd.Real + abs dd.Imaginary < smin then dd <- C32(smin, 0.0f)
                            x.[j] <- cdiv x.[j] dd
                            for q in 1 .. j - 1 do x.[q] <- csub x.[q] (cmulr x.[j] h.[q, j])
                            j <- j - 1
                    for r in 1 .. n do
                        let mutable sr = 0.0f
                        let mutable si = 0.0f
                        for q in 1 .. ki do
                            sr <- sr + z.[r, q] * x.[q].Real
                            si <- si + z.[r, q] * x.[q].Imaginary
                        vr.[r, ki - 1] <- sr
                        vr.[r, ki] <- si
                    ki <- ki - 2
            // dgebak ('B', 'R'): undo the scaling, then the permutations.
            if ilo <> ihi then
                for i in ilo .. ihi do
                    for c in 1 .. n do vr.[i, c] <- vr.[i, c] * scale.[i]
            for ii in 1 .. n do
                let mutable i = ii
                if not (i >= ilo && i <= ihi) then
                    if i < ilo then i <- ilo - ii
                    let kk = int scale.[i]
                    if kk <> i then
                        for c in 1 .. n do
                            let t = vr.[i, c]
                            vr.[i, c] <- vr.[kk, c]
                            vr.[kk, c] <- t
            // dgeev's normalisation.
            let nrm2 (c: int) =
                let mutable s = 0.0f
                for r in 1 .. n do s <- s + vr.[r, c] * vr.[r, c]
                sqrt s
            let mutable c = 1
            while c <= n do
                if wi.[c] = 0.0f then
                    let scl = 1.0f / nrm2 c
                    for r in 1 .. n do vr.[r, c] <- vr.[r, c] * scl
                    c <- c + 1
                else
                    let scl = 1.0f / lapy2 (nrm2 c) (nrm2 (c + 1))
                    for r in 1 .. n do
                        vr.[r, c] <- vr.[r, c] * scl
                        vr.[r, c + 1] <- vr.[r, c + 1] * scl
                    let mutable kmax = 1
                    let mutable best = -1.0f
                    for r in 1 .. n do
                        let w = vr.[r, c] * vr.[r, c] + vr.[r, c + 1] * vr.[r, c + 1]
                        if w > best then
                            best <- w
                            kmax <- r
                    let cs, sn, _ = lartg vr.[kmax, c] vr.[kmax, c + 1]
                    for r in 1 .. n do
                        let x, y = vr.[r, c], vr.[r, c + 1]
                        vr.[r, c] <- cs * x + sn * y
                        vr.[r, c + 1] <- cs * y - sn * x
                    vr.[kmax, c + 1] <- 0.0f
                    c <- c + 2
            Array.init n (fun i -> wr.[i + 1]), Array.init n (fun i -> wi.[i + 1]), Array.init (n * n) (fun idx -> vr.[idx / n + 1, idx % n + 1])
