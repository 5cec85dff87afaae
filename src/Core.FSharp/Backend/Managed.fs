namespace Fluxion.Backend

open System
open System.Numerics
open System.Runtime.Intrinsics
open Fluxion

/// Data shared by every managed raw tensor: a contiguous array and its shape.
[<AbstractClass>]
type RawArray<'T>(data: 'T[], shape: int[]) =
    inherit RawTensor(shape)
    /// The storage (row-major). Mutating it mutates the tensor.
    member _.Data = data
    /// A new tensor of the same concrete kind.
    abstract Make: 'T[] * int[] -> RawTensor

    member t.Arr(o: RawTensor) : 'T[] =
        match o with
        | :? RawArray<'T> as r -> r.Data
        | _ -> raise (ArgumentException(sprintf "managed backend: expected a %s tensor, got %s" (Dtype.name t.Dtype) (Dtype.name o.Dtype)))

    override t.Backend = ManagedBackend.Instance
    override t.Reshape(s) = t.Make(data, s)
    override t.Permute(perm) =
        let outShape = Array.map (fun p -> shape.[p]) perm
        t.Make(Loops.stridedCopy data 0 (Loops.permuteStrides shape perm) outShape, outShape)
    override t.Expand(target) =
        if Shape.equal target shape then t :> RawTensor
        else t.Make(Loops.stridedCopy data 0 (Loops.broadcastStrides shape target) target, target)
    override t.Slice(starts, lengths, steps) =
        let st = Shape.strides shape
        let mutable start = 0
        for i in 0 .. shape.Length - 1 do start <- start + starts.[i] * st.[i]
        let strides = Array.init shape.Length (fun i -> st.[i] * steps.[i])
        t.Make(Loops.stridedCopy data start strides lengths, lengths)
    override t.Cat(others, dim) =
        let parts = Array.append [| t :> RawTensor |] others
        let outShape = Array.copy shape
        outShape.[dim] <- parts |> Array.sumBy (fun p -> p.Shape.[dim])
        let r = Array.zeroCreate (Shape.numel outShape)
        let outer = Shape.numel shape.[.. dim - 1]
        let innerOut = Shape.numel outShape.[dim ..]
        let mutable colOff = 0
        for p in parts do
            let pd = t.Arr p
            let innerP = Shape.numel p.Shape.[dim ..]
            for o in 0 .. outer - 1 do
                Array.blit pd (o * innerP) r (o * innerOut + colOff) innerP
            colOff <- colOff + innerP
        t.Make(r, outShape)
    override t.Gather(dim, index) =
        let idx = index.ToInt64Array()
        let outShape = index.Shape
        let r = Array.zeroCreate idx.Length
        let st = Shape.strides shape
        let ost = Shape.strides outShape
        for o in 0 .. idx.Length - 1 do
            let mutable rem = o
            let mutable p = 0
            for d in 0 .. outShape.Length - 1 do
                let c = rem / ost.[d]
                rem <- rem % ost.[d]
                let c' = if d = dim then int idx.[o] else c
                if c' < 0 || c' >= shape.[d] then
                    raise (ArgumentOutOfRangeException("index", sprintf "gather: index %d is out of bounds for dimension %d with size %d" c' d shape.[d]))
                p <- p + c' * st.[d]
            r.[o] <- data.[p]
        t.Make(r, outShape)
    override t.Flip(dims) =
        let st = Shape.strides shape
        let mutable start = 0
        let strides = Array.copy st
        for d in dims do
            start <- start + (shape.[d] - 1) * st.[d]
            strides.[d] <- -st.[d]
        t.Make(Loops.stridedCopy data start strides shape, shape)
    override t.Where(cond, other) =
        let c = (cond :?> RawArray<bool>).Data
        let o = t.Arr other
        let outShape = Shape.broadcast "where" (Shape.broadcast "where" cond.Shape shape) other.Shape
        let a = Loops.stridedCopy data 0 (Loops.broadcastStrides shape outShape) outShape
        let cc = Loops.stridedCopy c 0 (Loops.broadcastStrides cond.Shape outShape) outShape
        let oo = Loops.stridedCopy o 0 (Loops.broadcastStrides other.Shape outShape) outShape
        for i in 0 .. a.Length - 1 do
            if not cc.[i] then a.[i] <- oo.[i]
        t.Make(a, outShape)
    override t.Clone() = t.Make(Array.copy data, shape)
    override t.CopyFrom(o) = Array.blit (t.Arr o) 0 data 0 data.Length

/// Managed float32/float64 tensors; the JIT specialises every loop for the element type.
and [<Sealed>] RawFloat<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>(data: 'T[], shape: int[]) =
    inherit RawArray<'T>(data, shape)
    static let isF32 = typeof<'T> = typeof<float32>
    static let c (x: float) : 'T = 'T.CreateTruncating x
    static let gt (x: 'T) (y: 'T) = 'T.op_GreaterThan(x, y)
    static let lt (x: 'T) (y: 'T) = 'T.op_LessThan(x, y)
    static let ge (x: 'T) (y: 'T) = 'T.op_GreaterThanOrEqual(x, y)
    static let le (x: 'T) (y: 'T) = 'T.op_LessThanOrEqual(x, y)
    static let eq (x: 'T) (y: 'T) = 'T.op_Equality(x, y)
    static let ne (x: 'T) (y: 'T) = 'T.op_Inequality(x, y)
    static let neg (x: 'T) = 'T.op_UnaryNegation x
    member _.IsFloat32 = isF32
    /// Products with at most this many multiply-adds use the in-order (PyTorch-exact) loop.
    static member val ExactMatMulWork = 32768L with get, set
    [<ThreadStatic; DefaultValue>]
    static val mutable private scratch: 'T[]

    /// Small products on vectors: a 4-row by 8-column (float32) tile per step, each lane an in-order, unfused
    /// dot product (multiply, then add; p ascending), exactly the scalar loop's arithmetic. B is repacked with
    /// rows padded to whole vectors when it is transposed or its width is not a multiple of the vector width.
    [<Runtime.CompilerServices.MethodImpl(Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)>]
    static member private SmallMatMulVec(a: 'T[], b: 'T[], batch: int, m: int, n: int, k: int, ar: int, ac: int, br: int, bc: int,
                                         transA: bool, transB: bool) : 'T[] =
        let vw = Vector256<'T>.Count
        let r : 'T[] = Array.zeroCreate (batch * m * n)
        let aRow = if transA then 1 else k
        let aP = if transA then m else 1
        let nPad = (n + vw - 1) / vw * vw
        let direct = not transB && n = nPad
        // Packed B and the partial-store buffer live in a per-thread scratch array (stale pad lanes only
        // feed lanes that are never stored).
        let need = (if direct then 0 else k * nPad) + vw
        let mutable scratch = RawFloat<'T>.scratch
        if isNull scratch || scratch.Length < need then
            scratch <- Array.zeroCreate (max need 256)
            RawFloat<'T>.scratch <- scratch
        let packed = scratch
        let tmpAt = need - vw
        for bi in 0 .. batch - 1 do
            let ao = bi * ar * ac
            let bo = bi * br * bc
            let ro = bi * m * n
            if not direct then
                for p in 0 .. k - 1 do
                    for j in 0 .. n - 1 do
                        packed.[p * nPad + j] <- (if transB then b.[bo + j * k + p] else b.[bo + p * n + j])
            let vb = if direct then b else packed
            let vbo = if direct then bo else 0
            let vs = if direct then n else nPad
            let mutable i = 0
            while i < m do
                let rows = min 4 (m - i)
                let a0 = ao + i * aRow
                let a1 = a0 + (if rows > 1 then aRow else 0)
                let a2 = a0 + (if rows > 2 then 2 * aRow else 0)
                let a3 = a0 + (if rows > 3 then 3 * aRow else 0)
                let mutable j = 0
                while j < n do
                  if n - j <= Vector128<'T>.Count then
                    // A narrow last column block (n = 3, or 10 = 8 + 2) takes half-width vectors; lanes stay
                    // in-order unfused sums, and the packed rows are padded to vw so the loads stay in bounds.
                    let hw = Vector128<'T>.Count
                    let mutable c0 = Vector128<'T>.Zero
                    let mutable c1 = Vector128<'T>.Zero
                    let mutable c2 = Vector128<'T>.Zero
                    let mutable c3 = Vector128<'T>.Zero
                    let mutable pa = 0
                    let mutable pb = vbo + j
                    for _ in 0 .. k - 1 do
                        let bv = Vector128.Create<'T>(ReadOnlySpan<'T>(vb, pb, hw))
                        c0 <- Vector128.Add(c0, Vector128.Multiply(Vector128.Create<'T>(a.[a0 + pa]), bv))
                        c1 <- Vector128.Add(c1, Vector128.Multiply(Vector128.Create<'T>(a.[a1 + pa]), bv))
                        c2 <- Vector128.Add(c2, Vector128.Multiply(Vector128.Create<'T>(a.[a2 + pa]), bv))
                        c3 <- Vector128.Add(c3, Vector128.Multiply(Vector128.Create<'T>(a.[a3 + pa]), bv))
                        pa <- pa + aP
                        pb <- pb + vs
                    let cnt = n - j
                    let rb = ro + i * n + j
                    for row in 0 .. rows - 1 do
                        let c = match row with 0 -> c0 | 1 -> c1 | 2 -> c2 | _ -> c3
                        c.CopyTo(Span<'T>(scratch, tmpAt, hw))
                        let dst = rb + row * n
                        for q in 0 .. cnt - 1 do r.[dst + q] <- scratch.[tmpAt + q]
                    j <- n
                  else
                    let mutable c0 = Vector256<'T>.Zero
                    let mutable c1 = Vector256<'T>.Zero
                    let mutable c2 = Vector256<'T>.Zero
                    let mutable c3 = Vector256<'T>.Zero
                    let mutable pa = 0
                    let mutable pb = vbo + j
                    for _ in 0 .. k - 1 do
                        let bv = Vector256.Create<'T>(ReadOnlySpan<'T>(vb, pb, vw))
                        c0 <- Vector256.Add(c0, Vector256.Multiply(Vector256.Create<'T>(a.[a0 + pa]), bv))
                        c1 <- Vector256.Add(c1, Vector256.Multiply(Vector256.Create<'T>(a.[a1 + pa]), bv))
                        c2 <- Vector256.Add(c2, Vector256.Multiply(Vector256.Create<'T>(a.[a2 + pa]), bv))
                        c3 <- Vector256.Add(c3, Vector256.Multiply(Vector256.Create<'T>(a.[a3 + pa]), bv))
                        pa <- pa + aP
                        pb <- pb + vs
                    let cnt = min vw (n - j)
                    let rb = ro + i * n + j
                    for row in 0 .. rows - 1 do
                        let c = match row with 0 -> c0 | 1 -> c1 | 2 -> c2 | _ -> c3
                        if cnt = vw then c.CopyTo(Span<'T>(r, rb + row * n, vw))
                        else
                            // A plain loop: Array.Copy's call overhead dominated narrow products (n < 8).
                            c.CopyTo(Span<'T>(scratch, tmpAt, vw))
                            let dst = rb + row * n
                            for q in 0 .. cnt - 1 do r.[dst + q] <- scratch.[tmpAt + q]
                    j <- j + vw
                i <- i + 4
        r

    /// The (N, C, L) input copied into rows of length L + 2·padding with zero borders, plus `slack` zeros at
    /// the end, so the vector kernels below run without bounds branches.
    static member private PadRows(data: 'T[], rows: int, len: int, padding: int, slack: int) : 'T[] =
        let lp = len + 2 * padding
        let xp : 'T[] = Array.zeroCreate (rows * lp + slack)
        for r in 0 .. rows - 1 do Array.Copy(data, r * len, xp, r * lp + padding, len)
        xp

    /// Stride-1, undilated, ungrouped conv1d, 8 (float32) outputs per vector: each lane sums its terms in
    /// the scalar kernel's order (channel, then tap; padding adds exact zeros), so the bits are the same.
    [<Runtime.CompilerServices.MethodImpl(Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)>]
    static member private Conv1dVec(data: 'T[], w: 'T[], nb: int, cin: int, len: int, cout: int, k: int, padding: int) : 'T[] =
        let lp = len + 2 * padding
        let lout = lp - k + 1
        let vw = Vector256<'T>.Count
        let xp = RawFloat<'T>.PadRows(data, nb * cin, len, padding, 0)
        let r : 'T[] = Array.zeroCreate (nb * cout * lout)
        for b in 0 .. nb - 1 do
            for oc in 0 .. cout - 1 do
                let ro = (b * cout + oc) * lout
                let mutable ol = 0
                while ol + 2 * vw <= lout do
                    let mutable a0 = Vector256<'T>.Zero
                    let mutable a1 = Vector256<'T>.Zero
                    for ic in 0 .. cin - 1 do
                        let xb = (b * cin + ic) * lp + ol
                        let wb = (oc * cin + ic) * k
                        for kk in 0 .. k - 1 do
                            let wv = Vector256.Create<'T>(w.[wb + kk])
                            a0 <- Vector256.Add(a0, Vector256.Multiply(Vector256.Create<'T>(ReadOnlySpan<'T>(xp, xb + kk, vw)), wv))
                            a1 <- Vector256.Add(a1, Vector256.Multiply(Vector256.Create<'T>(ReadOnlySpan<'T>(xp, xb + kk + vw, vw)), wv))
                    a0.CopyTo(Span<'T>(r, ro + ol, vw))
                    a1.CopyTo(Span<'T>(r, ro + ol + vw, vw))
                    ol <- ol + 2 * vw
                while ol < lout do
                    let mutable s : 'T = 'T.Zero
                    for ic in 0 .. cin - 1 do
                        let xb = (b * cin + ic) * lp + ol
                        let wb = (oc * cin + ic) * k
                        for kk in 0 .. k - 1 do s <- s + xp.[xb + kk] * w.[wb + kk]
                    r.[ro + ol] <- s
                    ol <- ol + 1
        r

    /// The weight adjoint of Conv1dVec, vectorised over taps: every weight sums gy·x over (batch, position)
    /// in the scalar kernel's order.
    [<Runtime.CompilerServices.MethodImpl(Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)>]
    static member private Conv1dGradWeightVec(gy: 'T[], x: 'T[], nb: int, cin: int, len: int, cout: int, k: int, padding: int) : 'T[] =
        let lp = len + 2 * padding
        let lout = lp - k + 1
        let vw = Vector256<'T>.Count
        let xp = RawFloat<'T>.PadRows(x, nb * cin, len, padding, 4 * vw)
        let r : 'T[] = Array.zeroCreate (cout * cin * k)
        let tmp : 'T[] = Array.zeroCreate (4 * vw)
        for oc in 0 .. cout - 1 do
            for ic in 0 .. cin - 1 do
                let rb = (oc * cin + ic) * k
                let mutable kk0 = 0
                while kk0 < k do
                    let mutable a0 = Vector256<'T>.Zero
                    let mutable a1 = Vector256<'T>.Zero
                    let mutable a2 = Vector256<'T>.Zero
                    let mutable a3 = Vector256<'T>.Zero
                    for b in 0 .. nb - 1 do
                        let gb = (b * cout + oc) * lout
                        let xb = (b * cin + ic) * lp + kk0
                        for ol in 0 .. lout - 1 do
                            let g = Vector256.Create<'T>(gy.[gb + ol])
                            let xo = xb + ol
                            a0 <- Vector256.Add(a0, Vector256.Multiply(g, Vector256.Create<'T>(ReadOnlySpan<'T>(xp, xo, vw))))
                            a1 <- Vector256.Add(a1, Vector256.Multiply(g, Vector256.Create<'T>(ReadOnlySpan<'T>(xp, xo + vw, vw))))
                            a2 <- Vector256.Add(a2, Vector256.Multiply(g, Vector256.Create<'T>(ReadOnlySpan<'T>(xp, xo + 2 * vw, vw))))
                            a3 <- Vector256.Add(a3, Vector256.Multiply(g, Vector256.Create<'T>(ReadOnlySpan<'T>(xp, xo + 3 * vw, vw))))
                    a0.CopyTo(Span<'T>(tmp, 0, vw))
                    a1.CopyTo(Span<'T>(tmp, vw, vw))
                    a2.CopyTo(Span<'T>(tmp, 2 * vw, vw))
                    a3.CopyTo(Span<'T>(tmp, 3 * vw, vw))
                    let n = min (4 * vw) (k - kk0)
                    Array.Copy(tmp, 0, r, rb + kk0, n)
                    kk0 <- kk0 + 4 * vw
        r
    override _.Make(d, s) = RawFloat<'T>(d, s) :> RawTensor
    override _.Dtype = if isF32 then Dtype.Float32 else Dtype.Float64

    [<Runtime.CompilerServices.MethodImpl(Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)>]
    override t.Unary(k) =
        if isF32 && (k = UnaryKind.Exp || k = UnaryKind.Log || k = UnaryKind.Tanh || k = UnaryKind.Sigmoid || k = UnaryKind.Sin || k = UnaryKind.Cos) then
            // PyTorch's vectorised float32 kernels (SLEEF), bit for bit.
            let src = box data :?> float32[]
            let dst = Array.zeroCreate<float32> src.Length
            match k with
            | UnaryKind.Exp -> Fluxion.Kernels.Sleef.exp32 (ReadOnlySpan src) (Span dst)
            | UnaryKind.Log -> Fluxion.Kernels.Sleef.log32 (ReadOnlySpan src) (Span dst)
            | UnaryKind.Tanh -> Fluxion.Kernels.Sleef.tanh32 (ReadOnlySpan src) (Span dst)
            | UnaryKind.Sigmoid -> Fluxion.Kernels.Sleef.sigmoid32 (ReadOnlySpan src) (Span dst)
            | UnaryKind.Sin -> Fluxion.Random.SleefTrig.sinInto (ReadOnlySpan src) (Span dst)
            | _ -> Fluxion.Random.SleefTrig.cosInto (ReadOnlySpan src) (Span dst)
            RawFloat<float32>(dst, shape) :> RawTensor
        else
        let one = 'T.One
        let f =
            match k with
            | UnaryKind.Neg -> Loops.map neg data
            | UnaryKind.Abs -> Loops.map (fun x -> 'T.Abs x) data
            | UnaryKind.Sign -> Loops.map (fun (x: 'T) -> if 'T.IsNaN x then x elif gt x 'T.Zero then one elif lt x 'T.Zero then neg one else 'T.Zero) data
            | UnaryKind.Exp -> Loops.map (fun x -> 'T.Exp x) data
            | UnaryKind.Log -> Loops.map (fun x -> 'T.Log x) data
            | UnaryKind.Sqrt -> Loops.map (fun x -> 'T.Sqrt x) data
            | UnaryKind.Sin -> Loops.map (fun x -> 'T.Sin x) data
            | UnaryKind.Cos -> Loops.map (fun x -> 'T.Cos x) data
            | UnaryKind.Tan -> Loops.map (fun x -> 'T.Tan x) data
            | UnaryKind.Tanh -> Loops.map (fun x -> 'T.Tanh x) data
            | UnaryKind.Sigmoid -> Loops.map (fun (x: 'T) -> one / (one + 'T.Exp(neg x))) data
            | UnaryKind.Relu -> Loops.map (fun (x: 'T) -> if gt x 'T.Zero then x elif 'T.IsNaN x then x else 'T.Zero) data
            | UnaryKind.Floor -> Loops.map (fun x -> 'T.Floor x) data
            | UnaryKind.Ceil -> Loops.map (fun x -> 'T.Ceiling x) data
            | UnaryKind.Round -> Loops.map (fun (x: 'T) -> 'T.Round(x, MidpointRounding.ToEven)) data
            | UnaryKind.Trunc -> Loops.map (fun x -> 'T.Truncate x) data
            | UnaryKind.Log1p -> Loops.map (fun x -> 'T.LogP1 x) data
            | UnaryKind.Expm1 -> Loops.map (fun x -> 'T.ExpM1 x) data
            | UnaryKind.Square -> Loops.map (fun (x: 'T) -> x * x) data
            | UnaryKind.Reciprocal -> Loops.map (fun (x: 'T) -> one / x) data
            | UnaryKind.Erf -> Loops.map (fun (x: 'T) -> c (Special.erf (Double.CreateTruncating x))) data
            | UnaryKind.Softplus -> Loops.map (fun (x: 'T) -> if gt x (c 20.0) then x else 'T.LogP1('T.Exp x)) data
            | UnaryKind.StepPositive -> Loops.map (fun (x: 'T) -> if gt x 'T.Zero then one else 'T.Zero) data
            | UnaryKind.Atan -> Loops.map (fun x -> 'T.Atan x) data
            | UnaryKind.Asin -> Loops.map (fun x -> 'T.Asin x) data
            | UnaryKind.Acos -> Loops.map (fun x -> 'T.Acos x) data
            | UnaryKind.Sinh -> Loops.map (fun x -> 'T.Sinh x) data
            | UnaryKind.Cosh -> Loops.map (fun x -> 'T.Cosh x) data
            | _ -> raise (NotSupportedException(sprintf "managed backend: unary kernel %A" k))
        RawFloat<'T>(f, shape) :> RawTensor

    [<Runtime.CompilerServices.MethodImpl(Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)>]
    override t.UnaryParam(k, p) =
        let pv = c p
        let f =
            match k with
            | ParamUnaryKind.LeakyRelu -> Loops.map (fun (x: 'T) -> if gt x 'T.Zero then x else x * pv) data
            | ParamUnaryKind.Elu -> Loops.map (fun (x: 'T) -> if gt x 'T.Zero then x else pv * 'T.ExpM1 x) data
            | ParamUnaryKind.PowScalar ->
                if p = 2.0 then Loops.map (fun (x: 'T) -> x * x) data
                elif p = 1.0 then Array.copy data
                elif p = 0.5 then Loops.map (fun x -> 'T.Sqrt x) data
                else Loops.map (fun x -> 'T.Pow(x, pv)) data
            | _ -> raise (NotSupportedException(sprintf "managed backend: parametrised kernel %A" k))
        RawFloat<'T>(f, shape) :> RawTensor

    override t.Clamp(lo, hi) =
        let l = c lo
        let h = c hi
        let hasLo = not (Double.IsNaN lo)
        let hasHi = not (Double.IsNaN hi)
        RawFloat<'T>(Loops.map (fun (x: 'T) ->
            let x = if hasLo && lt x l then l else x
            if hasHi && gt x h then h else x) data, shape) :> RawTensor

    [<Runtime.CompilerServices.MethodImpl(Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)>]
    override t.Binary(k, o) =
        let b = t.Arr o
        let outShape = Shape.broadcast "binary" shape o.Shape
        let r =
            match k with
            | BinaryKind.Add -> Loops.zip (fun (x: 'T) (y: 'T) -> x + y) data shape b o.Shape outShape
            | BinaryKind.Sub -> Loops.zip (fun (x: 'T) (y: 'T) -> x - y) data shape b o.Shape outShape
            | BinaryKind.Mul -> Loops.zip (fun (x: 'T) (y: 'T) -> x * y) data shape b o.Shape outShape
            | BinaryKind.Div -> Loops.zip (fun (x: 'T) (y: 'T) -> x / y) data shape b o.Shape outShape
            | BinaryKind.Pow -> Loops.zip (fun x y -> 'T.Pow(x, y)) data shape b o.Shape outShape
            | BinaryKind.Max -> Loops.zip (fun x y -> if 'T.IsNaN x || ge x y then x else y) data shape b o.Shape outShape
            | BinaryKind.Min -> Loops.zip (fun x y -> if 'T.IsNaN x || le x y then x else y) data shape b o.Shape outShape
            | BinaryKind.Atan2 -> Loops.zip (fun x y -> 'T.Atan2(x, y)) data shape b o.Shape outShape
            | _ -> raise (NotSupportedException(sprintf "managed backend: binary kernel %A" k))
        RawFloat<'T>(r, outShape) :> RawTensor

    [<Runtime.CompilerServices.MethodImpl(Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)>]
    override t.BinaryScalar(k, s, scalarFirst) =
        let sv = c s
        let r =
            match k, scalarFirst with
            | BinaryKind.Add, _ -> Loops.map (fun (x: 'T) -> x + sv) data
            | BinaryKind.Mul, _ -> Loops.map (fun (x: 'T) -> x * sv) data
            | BinaryKind.Sub, false -> Loops.map (fun (x: 'T) -> x - sv) data
            | BinaryKind.Sub, true -> Loops.map (fun (x: 'T) -> sv - x) data
            | BinaryKind.Div, false -> Loops.map (fun (x: 'T) -> x / sv) data
            | BinaryKind.Div, true -> Loops.map (fun (x: 'T) -> sv / x) data
            | BinaryKind.Pow, false -> Loops.map (fun x -> 'T.Pow(x, sv)) data
            | BinaryKind.Pow, true -> Loops.map (fun x -> 'T.Pow(sv, x)) data
            | BinaryKind.Max, _ -> Loops.map (fun x -> if 'T.IsNaN x || ge x sv then x else sv) data
            | BinaryKind.Min, _ -> Loops.map (fun x -> if 'T.IsNaN x || le x sv then x else sv) data
            | _ -> raise (NotSupportedException(sprintf "managed backend: scalar kernel %A" k))
        RawFloat<'T>(r, shape) :> RawTensor

    override t.Compare(k, o) =
        let b = t.Arr o
        let outShape = Shape.broadcast "compare" shape o.Shape
        let r =
            match k with
            | CompareKind.Eq -> Loops.zip eq data shape b o.Shape outShape
            | CompareKind.Ne -> Loops.zip ne data shape b o.Shape outShape
            | CompareKind.Lt -> Loops.zip lt data shape b o.Shape outShape
            | CompareKind.Le -> Loops.zip le data shape b o.Shape outShape
            | CompareKind.Gt -> Loops.zip gt data shape b o.Shape outShape
            | _ -> Loops.zip ge data shape b o.Shape outShape
        RawBool(r, outShape) :> RawTensor

    override t.CompareScalar(k, s) =
        let sv = c s
        let r =
            match k with
            | CompareKind.Eq -> Loops.map (fun x -> eq x sv) data
            | CompareKind.Ne -> Loops.map (fun x -> ne x sv) data
            | CompareKind.Lt -> Loops.map (fun x -> lt x sv) data
            | CompareKind.Le -> Loops.map (fun x -> le x sv) data
            | CompareKind.Gt -> Loops.map (fun x -> gt x sv) data
            | _ -> Loops.map (fun x -> ge x sv) data
        RawBool(r, shape) :> RawTensor

    [<Runtime.CompilerServices.MethodImpl(Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)>]
    override t.SumAll() =
        // PyTorch's cascade summation order, so printed losses agree digit for digit.
        if isF32 then RawFloat<float32>([| Fluxion.Kernels.Reduce.sum32 (ReadOnlySpan(box data :?> float32[])) |], [||]) :> RawTensor
        else RawFloat<float>([| Fluxion.Kernels.Reduce.sum64 (ReadOnlySpan(box data :?> float[])) |], [||]) :> RawTensor

    [<Runtime.CompilerServices.MethodImpl(Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)>]
    override t.SumDims(dims, keepDim) =
        let nd = shape.Length
        let kept = Loops.reducedShape shape dims
        let outShape = if keepDim then kept else Loops.dropDims kept dims
        if nd >= 1 && dims.Length = 1 && dims.[0] = nd - 1 then
            // Sum over the last dimension: one PyTorch 1-D cascade per row.
            let cols = shape.[nd - 1]
            // From the shape, not data.Length / cols: a (2, 0) tensor still has 2 (empty, zero-sum) rows.
            let rows = Shape.numel shape.[.. nd - 2]
            if isF32 then
                let dst = Array.zeroCreate<float32> rows
                Fluxion.Kernels.Reduce.sumCols32 (ReadOnlySpan(box data :?> float32[])) rows cols (Span dst)
                RawFloat<float32>(dst, outShape) :> RawTensor
            else
                let dst = Array.zeroCreate<float> rows
                Fluxion.Kernels.Reduce.sumCols64 (ReadOnlySpan(box data :?> float[])) rows cols (Span dst)
                RawFloat<float>(dst, outShape) :> RawTensor
        elif nd = 2 && dims.Length = 1 && dims.[0] = 0 then
            // Sum over the rows of a matrix, in PyTorch's column-reduction order.
            let rows, cols = shape.[0], shape.[1]
            if isF32 then
                let dst = Array.zeroCreate<float32> cols
                Fluxion.Kernels.Reduce.sumRows32 (ReadOnlySpan(box data :?> float32[])) rows cols (Span dst)
                RawFloat<float32>(dst, outShape) :> RawTensor
            else
                let dst = Array.zeroCreate<float> cols
                Fluxion.Kernels.Reduce.sumRows64 (ReadOnlySpan(box data :?> float[])) rows cols (Span dst)
                RawFloat<float>(dst, outShape) :> RawTensor
        else
            let r : 'T[] = Array.zeroCreate (Shape.numel kept)
            Loops.walk shape (Loops.broadcastStrides kept shape) 0 (fun i o -> r.[o] <- r.[o] + data.[i])
            RawFloat<'T>(r, outShape) :> RawTensor

    override t.ExtremeDim(dim, keepDim, isMax) =
        let kept = Loops.reducedShape shape [| dim |]
        let n = Shape.numel kept
        if shape.[dim] = 0 && n > 0 then
            raise (ShapeException(sprintf "%s(): Expected reduction dim %d to have non-zero size." (if isMax then "max" else "min") dim))
        let best : 'T[] = Array.zeroCreate n
        let arg = Array.zeroCreate<int64> n
        let seen = Array.zeroCreate<bool> n
        let st = Loops.broadcastStrides kept shape
        let dimStride = (Shape.strides shape).[dim]
        let dimSize = shape.[dim]
        Loops.walk shape st 0 (fun i o ->
            let x = data.[i]
            let better =
                (not seen.[o]) || (not ('T.IsNaN best.[o]) && ('T.IsNaN x || (if isMax then gt x best.[o] else lt x best.[o])))
            if better then
                best.[o] <- x
                arg.[o] <- int64 ((i / dimStride) % dimSize)
                seen.[o] <- true)
        let outShape = if keepDim then kept else Loops.dropDims kept [| dim |]
        struct (RawFloat<'T>(best, outShape) :> RawTensor, RawInt64(arg, outShape) :> RawTensor)

    override t.ExtremeAll(isMax) =
        if data.Length = 0 then
            raise (ShapeException(sprintf "%s(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument." (if isMax then "max" else "min")))
        let mutable b = data.[0]
        let mutable bi = 0
        for i in 1 .. data.Length - 1 do
            let x = data.[i]
            if not ('T.IsNaN b) && ('T.IsNaN x || (if isMax then gt x b else lt x b)) then
                b <- x
                bi <- i
        struct (RawFloat<'T>([| b |], [||]) :> RawTensor, bi)

    [<Runtime.CompilerServices.MethodImpl(Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)>]
    override t.MatMul(o, transA, transB) =
        let b = t.Arr o
        let batched = shape.Length = 3
        let batch = if batched then shape.[0] else 1
        let off = if batched then 1 else 0
        let ar, ac = shape.[off], shape.[off + 1]
        let br, bc = o.Shape.[off], o.Shape.[off + 1]
        let m = if transA then ac else ar
        let k = if transA then ar else ac
        let n = if transB then br else bc
        let outShape = if batched then [| batch; m; n |] else [| m; n |]
        if int64 m * int64 n * int64 k <= RawFloat<'T>.ExactMatMulWork && Vector256.IsHardwareAccelerated then
            RawFloat<'T>(RawFloat<'T>.SmallMatMulVec(data, b, batch, m, n, k, ar, ac, br, bc, transA, transB), outShape) :> RawTensor
        elif int64 m * int64 n * int64 k <= RawFloat<'T>.ExactMatMulWork then
            // Small products: each element is an in-order, unfused dot product, the order of the
            // reference BLAS behind Debian's PyTorch, so tiny networks train to PyTorch's bits.
            // Four outputs of a row run side by side so independent sums overlap in the pipeline.
            let r : 'T[] = Array.zeroCreate (batch * m * n)
            let aRow = if transA then 1 else k
            let aP = if transA then m else 1
            let bP = if transB then 1 else n
            let bCol = if transB then k else 1
            for bi in 0 .. batch - 1 do
                let ao = bi * ar * ac
                let bo = bi * br * bc
                let ro = bi * m * n
                for i in 0 .. m - 1 do
                    let aBase = ao + i * aRow
                    let rBase = ro + i * n
                    let mutable j = 0
                    while j + 3 < n do
                        let mutable s0 : 'T = 'T.Zero
                        let mutable s1 : 'T = 'T.Zero
                        let mutable s2 : 'T = 'T.Zero
                        let mutable s3 : 'T = 'T.Zero
                        let mutable pa = aBase
                        let mutable pb = bo + j * bCol
                        for _ in 0 .. k - 1 do
                            let av = data.[pa]
                            s0 <- s0 + av * b.[pb]
                            s1 <- s1 + av * b.[pb + bCol]
                            s2 <- s2 + av * b.[pb + 2 * bCol]
                            s3 <- s3 + av * b.[pb + 3 * bCol]
                            pa <- pa + aP
                            pb <- pb + bP
                        r.[rBase + j] <- s0
                        r.[rBase + j + 1] <- s1
                        r.[rBase + j + 2] <- s2
                        r.[rBase + j + 3] <- s3
                        j <- j + 4
                    while j < n do
                        let mutable s : 'T = 'T.Zero
                        let mutable pa = aBase
                        let mutable pb = bo + j * bCol
                        for _ in 0 .. k - 1 do
                            s <- s + data.[pa] * b.[pb]
                            pa <- pa + aP
                            pb <- pb + bP
                        r.[rBase + j] <- s
                        j <- j + 1
            RawFloat<'T>(r, outShape) :> RawTensor
        elif isF32 then
            let r = Array.zeroCreate<float32> (batch * m * n)
            Fluxion.Kernels.MatMul.batchedGemm32 batch transA transB m n k 1.0f (box data :?> float32[]) 0 ac (ar * ac)
                (box b :?> float32[]) 0 bc (br * bc) 0.0f r 0 n (m * n)
            RawFloat<float32>(r, outShape) :> RawTensor
        else
            let r = Array.zeroCreate<float> (batch * m * n)
            Fluxion.Kernels.MatMul.batchedGemm64 batch transA transB m n k 1.0 (box data :?> float[]) 0 ac (ar * ac)
                (box b :?> float[]) 0 bc (br * bc) 0.0 r 0 n (m * n)
            RawFloat<float>(r, outShape) :> RawTensor

    override t.SliceScatter(fullShape, starts, steps) =
        let r : 'T[] = Array.zeroCreate (Shape.numel fullShape)
        let st = Shape.strides fullShape
        let mutable start = 0
        for i in 0 .. fullShape.Length - 1 do start <- start + starts.[i] * st.[i]
        let strides = Array.init fullShape.Length (fun i -> st.[i] * steps.[i])
        Loops.walk shape strides start (fun i p -> r.[p] <- r.[p] + data.[i])
        RawFloat<'T>(r, fullShape) :> RawTensor

    override t.ScatterAddInto(outShape, dim, index) =
        let idx = index.ToInt64Array()
        let r : 'T[] = Array.zeroCreate (Shape.numel outShape)
        let st = Shape.strides outShape
        let ist = Shape.strides index.Shape
        for o in 0 .. idx.Length - 1 do
            let mutable rem = o
            let mutable p = 0
            for d in 0 .. index.Shape.Length - 1 do
                let c = rem / ist.[d]
                rem <- rem % ist.[d]
                p <- p + (if d = dim then int idx.[o] else c) * st.[d]
            r.[p] <- r.[p] + data.[o]
        RawFloat<'T>(r, outShape) :> RawTensor

    override t.Conv1d(weight, stride, padding, dilation, groups) =
        let w = t.Arr weight
        let nb, cin, len = shape.[0], shape.[1], shape.[2]
        let cout, cpg, k = weight.Shape.[0], weight.Shape.[1], weight.Shape.[2]
        let lout = (len + 2 * padding - dilation * (k - 1) - 1) / stride + 1
        if stride = 1 && dilation = 1 && groups = 1 && Vector256.IsHardwareAccelerated then
            RawFloat<'T>(RawFloat<'T>.Conv1dVec(data, w, nb, cin, len, cout, k, padding), [| nb; cout; lout |]) :> RawTensor
        else
            let opg = cout / groups
            let r : 'T[] = Array.zeroCreate (nb * cout * lout)
            for b in 0 .. nb - 1 do
                for oc in 0 .. cout - 1 do
                    let g = oc / opg
                    for ol in 0 .. lout - 1 do
                        let mutable s : 'T = 'T.Zero
                        for ic in 0 .. cpg - 1 do
                            let xc = g * cpg + ic
                            for kk in 0 .. k - 1 do
                                let pos = ol * stride - padding + kk * dilation
                                if pos >= 0 && pos < len then
                                    s <- s + data.[(b * cin + xc) * len + pos] * w.[(oc * cpg + ic) * k + kk]
                        r.[(b * cout + oc) * lout + ol] <- s
            RawFloat<'T>(r, [| nb; cout; lout |]) :> RawTensor

    override t.Conv1dGradInput(weight, inputShape, stride, padding, dilation, groups) =
        let w = t.Arr weight
        let nb, cin, len = inputShape.[0], inputShape.[1], inputShape.[2]
        let cout, cpg, k = weight.Shape.[0], weight.Shape.[1], weight.Shape.[2]
        let lout = shape.[2]
        let opg = cout / groups
        let r : 'T[] = Array.zeroCreate (nb * cin * len)
        for b in 0 .. nb - 1 do
            for oc in 0 .. cout - 1 do
                let g = oc / opg
                for ol in 0 .. lout - 1 do
                    let gy : 'T = data.[(b * cout + oc) * lout + ol]
                    for ic in 0 .. cpg - 1 do
                        let xc = g * cpg + ic
                        for kk in 0 .. k - 1 do
                            let pos = ol * stride - padding + kk * dilation
                            if pos >= 0 && pos < len then
                                let p = (b * cin + xc) * len + pos
                                r.[p] <- r.[p] + gy * w.[(oc * cpg + ic) * k + kk]
        RawFloat<'T>(r, inputShape) :> RawTensor

    override t.Conv1dGradWeight(input, weightShape, stride, padding, dilation, groups) =
        let x = t.Arr input
        let nb, cin, len = input.Shape.[0], input.Shape.[1], input.Shape.[2]
        let cout, cpg, k = weightShape.[0], weightShape.[1], weightShape.[2]
        let lout = shape.[2]
        if stride = 1 && dilation = 1 && groups = 1 && Vector256.IsHardwareAccelerated then
            RawFloat<'T>(RawFloat<'T>.Conv1dGradWeightVec(data, x, nb, cin, len, cout, k, padding), weightShape) :> RawTensor
        else
            let opg = cout / groups
            let r : 'T[] = Array.zeroCreate (cout * cpg * k)
            for b in 0 .. nb - 1 do
                for oc in 0 .. cout - 1 do
                    let g = oc / opg
                    for ol in 0 .. lout - 1 do
                        let gy : 'T = data.[(b * cout + oc) * lout + ol]
                        for ic in 0 .. cpg - 1 do
                            let xc = g * cpg + ic
                            for kk in 0 .. k - 1 do
                                let pos = ol * stride - padding + kk * dilation
                                if pos >= 0 && pos < len then
                                    let p = (oc * cpg + ic) * k + kk
                                    r.[p] <- r.[p] + gy * x.[(b * cin + xc) * len + pos]
            RawFloat<'T>(r, weightShape) :> RawTensor

    override t.MaxPool1d(k, stride, padding, dilation) =
        let nb, ch, len = shape.[0], shape.[1], shape.[2]
        let lout = (len + 2 * padding - dilation * (k - 1) - 1) / stride + 1
        let r : 'T[] = Array.zeroCreate (nb * ch * lout)
        let idx = Array.zeroCreate<int64> (nb * ch * lout)
        for bc in 0 .. nb * ch - 1 do
            for ol in 0 .. lout - 1 do
                let mutable best = 'T.NegativeInfinity
                let mutable bi = -1
                for kk in 0 .. k - 1 do
                    let pos = ol * stride - padding + kk * dilation
                    if pos >= 0 && pos < len then
                        let x = data.[bc * len + pos]
                        if bi < 0 || gt x best || 'T.IsNaN x then
                            best <- x
                            bi <- pos
                r.[bc * lout + ol] <- best
                idx.[bc * lout + ol] <- int64 bi
        struct (RawFloat<'T>(r, [| nb; ch; lout |]) :> RawTensor, RawInt64(idx, [| nb; ch; lout |]) :> RawTensor)

    override t.AvgPool1d(k, stride, padding) =
        let nb, ch, len = shape.[0], shape.[1], shape.[2]
        let lout = (len + 2 * padding - k) / stride + 1
        let r : 'T[] = Array.zeroCreate (nb * ch * lout)
        let kv = c (float k)
        for bc in 0 .. nb * ch - 1 do
            for ol in 0 .. lout - 1 do
                let mutable s : 'T = 'T.Zero
                for kk in 0 .. k - 1 do
                    let pos = ol * stride - padding + kk
                    if pos >= 0 && pos < len then s <- s + data.[bc * len + pos]
                r.[bc * lout + ol] <- s / kv
        RawFloat<'T>(r, [| nb; ch; lout |]) :> RawTensor

    override t.AvgPool1dGrad(inputShape, k, stride, padding) =
        let nb, ch, len = inputShape.[0], inputShape.[1], inputShape.[2]
        let lout = shape.[2]
        let r : 'T[] = Array.zeroCreate (nb * ch * len)
        let kv = c (float k)
        for bc in 0 .. nb * ch - 1 do
            for ol in 0 .. lout - 1 do
                let g : 'T = data.[bc * lout + ol] / kv
                for kk in 0 .. k - 1 do
                    let pos = ol * stride - padding + kk
                    if pos >= 0 && pos < len then r.[bc * len + pos] <- r.[bc * len + pos] + g
        RawFloat<'T>(r, inputShape) :> RawTensor

    override t.Cast(d) =
        match d with
        | Dtype.Float32 -> RawFloat<float32>(Loops.map (fun (x: 'T) -> Single.CreateTruncating x) data, shape) :> RawTensor
        | Dtype.Float64 -> RawFloat<float>(Loops.map (fun (x: 'T) -> Double.CreateTruncating x) data, shape) :> RawTensor
        | Dtype.Int64 -> RawInt64(Loops.map (fun (x: 'T) -> Int64.CreateTruncating x) data, shape) :> RawTensor
        | _ -> RawBool(Loops.map (fun (x: 'T) -> ne x 'T.Zero) data, shape) :> RawTensor

    override t.GetDouble(i) = Double.CreateTruncating data.[i]
    override t.ToDoubleArray() = Loops.map (fun (x: 'T) -> Double.CreateTruncating x) data
    override t.ToFloat32Array() = Loops.map (fun (x: 'T) -> Single.CreateTruncating x) data
    override t.ToInt64Array() = Loops.map (fun (x: 'T) -> Int64.CreateTruncating x) data
    override t.ToBoolArray() = Loops.map (fun (x: 'T) -> ne x 'T.Zero) data
    override t.AddInPlace(o, alpha) =
        let b = t.Arr o
        if alpha = 1.0 then
            for i in 0 .. data.Length - 1 do data.[i] <- data.[i] + b.[i]
        else
            // PyTorch's add(alpha) fuses: fma(alpha, other, self) in the tensor's precision.
            let a = c alpha
            for i in 0 .. data.Length - 1 do data.[i] <- 'T.FusedMultiplyAdd(a, b.[i], data.[i])
    override t.FillInPlace(v) = Array.Fill(data, c v)
    override t.ReluGrad(grad) =
        match grad with
        | :? RawFloat<'T> as g when Shape.equal g.Shape shape ->
            // One pass, no mask tensor; x <= 0 gives +0 and NaN inputs pass the gradient, as threshold_backward does.
            let gd = g.Data
            let r = Array.zeroCreate<'T> data.Length
            for i in 0 .. data.Length - 1 do
                if not (le data.[i] 'T.Zero) then r.[i] <- gd.[i]
            RawFloat<'T>(r, shape) :> RawTensor
        | _ -> base.ReluGrad grad

/// Managed int64 tensors (class indices, counters).
and [<Sealed>] RawInt64(data: int64[], shape: int[]) =
    inherit RawArray<int64>(data, shape)
    static let unsupported (what: string) = raise (NotSupportedException(sprintf "%s is not supported for torch.int64 tensors; cast to float first" what))
    override _.Make(d, s) = RawInt64(d, s) :> RawTensor
    override _.Dtype = Dtype.Int64
    override t.Unary(k) =
        match k with
        | UnaryKind.Neg -> RawInt64(Loops.map (fun x -> -x) data, shape) :> RawTensor
        | UnaryKind.Abs -> RawInt64(Loops.map abs data, shape) :> RawTensor
        | UnaryKind.Sign -> RawInt64(Loops.map (fun x -> int64 (sign x)) data, shape) :> RawTensor
        | _ -> (t.Cast Dtype.Float32).Unary k
    override t.UnaryParam(k, _) = unsupported (string k)
    override t.Clamp(lo, hi) =
        RawInt64(Loops.map (fun x ->
            let x = if not (Double.IsNaN lo) && float x < lo then int64 (ceil lo) else x
            if not (Double.IsNaN hi) && float x > hi then int64 (floor hi) else x) data, shape) :> RawTensor
    override t.Binary(k, o) =
        let b = t.Arr o
        let s = Shape.broadcast "binary" shape o.Shape
        let r =
            match k with
            | BinaryKind.Add -> Loops.zip (+) data shape b o.Shape s
            | BinaryKind.Sub -> Loops.zip (-) data shape b o.Shape s
            | BinaryKind.Mul -> Loops.zip (*) data shape b o.Shape s
            | BinaryKind.Max -> Loops.zip max data shape b o.Shape s
            | BinaryKind.Min -> Loops.zip min data shape b o.Shape s
            | _ -> unsupported (string k)
        RawInt64(r, s) :> RawTensor
    override t.BinaryScalar(k, sv, first) =
        if sv <> Math.Floor sv then (t.Cast Dtype.Float32).BinaryScalar(k, sv, first)
        else
            let v = int64 sv
            match k with
            | BinaryKind.Add -> RawInt64(Loops.map (fun x -> x + v) data, shape) :> RawTensor
            | BinaryKind.Mul -> RawInt64(Loops.map (fun x -> x * v) data, shape) :> RawTensor
            | BinaryKind.Sub -> RawInt64(Loops.map (fun x -> if first then v - x else x - v) data, shape) :> RawTensor
            | _ -> (t.Cast Dtype.Float32).BinaryScalar(k, sv, first)
    override t.Compare(k, o) =
        let b = t.Arr o
        let s = Shape.broadcast "compare" shape o.Shape
        let r =
            match k with
            | CompareKind.Eq -> Loops.zip (=) data shape b o.Shape s
            | CompareKind.Ne -> Loops.zip (<>) data shape b o.Shape s
            | CompareKind.Lt -> Loops.zip (<) data shape b o.Shape s
            | CompareKind.Le -> Loops.zip (<=) data shape b o.Shape s
            | CompareKind.Gt -> Loops.zip (>) data shape b o.Shape s
            | _ -> Loops.zip (>=) data shape b o.Shape s
        RawBool(r, s) :> RawTensor
    override t.CompareScalar(k, v) = (t.Cast Dtype.Float64).CompareScalar(k, v)
    override t.SumAll() = RawInt64([| Array.sum data |], [||]) :> RawTensor
    override t.SumDims(dims, keepDim) =
        let kept = Loops.reducedShape shape dims
        let r = Array.zeroCreate (Shape.numel kept)
        Loops.walk shape (Loops.broadcastStrides kept shape) 0 (fun i o -> r.[o] <- r.[o] + data.[i])
        RawInt64(r, (if keepDim then kept else Loops.dropDims kept dims)) :> RawTensor
    override t.ExtremeDim(dim, keepDim, isMax) =
        let struct (v, i) = (t.Cast Dtype.Float64).ExtremeDim(dim, keepDim, isMax)
        struct (v.Cast Dtype.Int64, i)
    override t.ExtremeAll(isMax) =
        let struct (v, i) = (t.Cast Dtype.Float64).ExtremeAll(isMax)
        struct (v.Cast Dtype.Int64, i)
    override t.MatMul(o, ta, tb) = ((t.Cast Dtype.Float64).MatMul(o.Cast Dtype.Float64, ta, tb)).Cast Dtype.Int64
    override t.SliceScatter(fullShape, starts, steps) = ((t.Cast Dtype.Float64).SliceScatter(fullShape, starts, steps)).Cast Dtype.Int64
    override t.ScatterAddInto(s, d, i) = ((t.Cast Dtype.Float64).ScatterAddInto(s, d, i)).Cast Dtype.Int64
    override t.Conv1d(_, _, _, _, _) = unsupported "conv1d"
    override t.Conv1dGradInput(_, _, _, _, _, _) = unsupported "conv1d"
    override t.Conv1dGradWeight(_, _, _, _, _, _) = unsupported "conv1d"
    override t.MaxPool1d(_, _, _, _) = unsupported "max_pool1d"
    override t.AvgPool1d(_, _, _) = unsupported "avg_pool1d"
    override t.AvgPool1dGrad(_, _, _, _) = unsupported "avg_pool1d"
    override t.Cast(d) =
        match d with
        | Dtype.Int64 -> t :> RawTensor
        | Dtype.Float32 -> RawFloat<float32>(Loops.map float32 data, shape) :> RawTensor
        | Dtype.Float64 -> RawFloat<float>(Loops.map float data, shape) :> RawTensor
        | _ -> RawBool(Loops.map (fun x -> x <> 0L) data, shape) :> RawTensor
    override t.GetDouble(i) = float data.[i]
    override t.ToDoubleArray() = Loops.map float data
    override t.ToFloat32Array() = Loops.map float32 data
    override t.ToInt64Array() = Array.copy data
    override t.ToBoolArray() = Loops.map (fun x -> x <> 0L) data
    override t.AddInPlace(o, alpha) =
        let b = t.Arr o
        for i in 0 .. data.Length - 1 do data.[i] <- data.[i] + int64 alpha * b.[i]
    override t.FillInPlace(v) = Array.Fill(data, int64 v)

/// Managed bool tensors (masks).
and [<Sealed>] RawBool(data: bool[], shape: int[]) =
    inherit RawArray<bool>(data, shape)
    member private t.AsF() = t.Cast Dtype.Float32
    override _.Make(d, s) = RawBool(d, s) :> RawTensor
    override _.Dtype = Dtype.Bool
    override t.Unary(k) = (t.AsF()).Unary k
    override t.UnaryParam(k, p) = (t.AsF()).UnaryParam(k, p)
    override t.Clamp(lo, hi) = (t.AsF()).Clamp(lo, hi)
    override t.Binary(k, o) =
        let b = t.Arr o
        let s = Shape.broadcast "binary" shape o.Shape
        match k with
        | BinaryKind.Add | BinaryKind.Max -> RawBool(Loops.zip (||) data shape b o.Shape s, s) :> RawTensor
        | BinaryKind.Mul | BinaryKind.Min -> RawBool(Loops.zip (&&) data shape b o.Shape s, s) :> RawTensor
        | _ -> (t.AsF()).Binary(k, o.Cast Dtype.Float32)
    override t.BinaryScalar(k, v, first) = (t.AsF()).BinaryScalar(k, v, first)
    override t.Compare(k, o) = (t.AsF()).Compare(k, o.Cast Dtype.Float32)
    override t.CompareScalar(k, v) = (t.AsF()).CompareScalar(k, v)
    override t.SumAll() = (t.Cast Dtype.Int64).SumAll()
    override t.SumDims(d, k) = (t.Cast Dtype.Int64).SumDims(d, k)
    override t.ExtremeDim(d, k, m) = (t.Cast Dtype.Int64).ExtremeDim(d, k, m)
    override t.ExtremeAll(m) = (t.Cast Dtype.Int64).ExtremeAll(m)
    override t.MatMul(o, a, b) = (t.AsF()).MatMul(o.Cast Dtype.Float32, a, b)
    override t.SliceScatter(f, s, st) = ((t.Cast Dtype.Int64).SliceScatter(f, s, st)).Cast Dtype.Bool
    override t.ScatterAddInto(s, d, i) = ((t.Cast Dtype.Int64).ScatterAddInto(s, d, i)).Cast Dtype.Bool
    override t.Conv1d(w, a, b, c, d) = (t.AsF()).Conv1d(w, a, b, c, d)
    override t.Conv1dGradInput(w, s, a, b, c, d) = (t.AsF()).Conv1dGradInput(w, s, a, b, c, d)
    override t.Conv1dGradWeight(w, s, a, b, c, d) = (t.AsF()).Conv1dGradWeight(w, s, a, b, c, d)
    override t.MaxPool1d(a, b, c, d) = (t.AsF()).MaxPool1d(a, b, c, d)
    override t.AvgPool1d(a, b, c) = (t.AsF()).AvgPool1d(a, b, c)
    override t.AvgPool1dGrad(s, a, b, c) = (t.AsF()).AvgPool1dGrad(s, a, b, c)
    override t.Cast(d) =
        match d with
        | Dtype.Bool -> t :> RawTensor
        | Dtype.Float32 -> RawFloat<float32>(Loops.map (fun b -> if b then 1.0f else 0.0f) data, shape) :> RawTensor
        | Dtype.Float64 -> RawFloat<float>(Loops.map (fun b -> if b then 1.0 else 0.0) data, shape) :> RawTensor
        | _ -> RawInt64(Loops.map (fun b -> if b then 1L else 0L) data, shape) :> RawTensor
    override t.GetDouble(i) = if data.[i] then 1.0 else 0.0
    override t.ToDoubleArray() = Loops.map (fun b -> if b then 1.0 else 0.0) data
    override t.ToFloat32Array() = Loops.map (fun b -> if b then 1.0f else 0.0f) data
    override t.ToInt64Array() = Loops.map (fun b -> if b then 1L else 0L) data
    override t.ToBoolArray() = Array.copy data
    override t.AddInPlace(o, _) =
        let b = t.Arr o
        for i in 0 .. data.Length - 1 do data.[i] <- data.[i] || b.[i]
    override t.FillInPlace(v) = Array.Fill(data, v <> 0.0)

/// The pure managed .NET backend (the default).
and [<Sealed>] ManagedBackend private () =
    static let instance = ManagedBackend()
    /// The single instance.
    static member Instance = instance :> IBackend
    interface IBackend with
        member _.Name = "managed"
        member _.Full(shape, v, dtype) =
            let n = Shape.numel shape
            match dtype with
            | Dtype.Float32 -> RawFloat<float32>(Array.create n (float32 v), shape) :> RawTensor
            | Dtype.Float64 -> RawFloat<float>(Array.create n v, shape) :> RawTensor
            | Dtype.Int64 -> RawInt64(Array.create n (int64 v), shape) :> RawTensor
            | _ -> RawBool(Array.create n (v <> 0.0), shape) :> RawTensor
        member _.OfFloat32(d, s) = RawFloat<float32>(d, s) :> RawTensor
        member _.OfFloat64(d, s) = RawFloat<float>(d, s) :> RawTensor
        member _.OfInt64(d, s) = RawInt64(d, s) :> RawTensor
        member _.OfBool(d, s) = RawBool(d, s) :> RawTensor
        member _.Cat(parts, dim) = parts.[0].Cat(parts.[1..], dim)
