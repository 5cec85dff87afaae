namespace Fluxion.Backend

open System
open System.Numerics
open System.Runtime.Intrinsics
open Fluxion
open Fluxion.Kernels
open Fluxion.Kernels.OptimKernels
open Fluxion.Optim

/// Managed float32/float64 tensors; the JIT specialises every loop for the element type.
[<Sealed>]
type RawFloat<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>(data: 'T[], shape: int[]) =
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
    /// Products with at most this many multiply-adds (per batch item) use the in-order (PyTorch-exact) loop.
    // Debian's PyTorch sends every float32 product, whatever its size, to the reference BLAS (in-order, unfused
    // sums), so the exact loop is right for all sizes; up to 2^21 (128^3, where the blocked kernel starts to use
    // threads) it is about as fast as the blocked FMA kernel and covers course-sized networks (a 64 x 32 x 32
    // Linear is 65536), above it the blocked kernel is several times faster and its bits are its own.
    static member val ExactMatMulWork = 2097152L with get, set
    override _.Make(d, s) = RawFloat<'T>(d, s) :> RawTensor
    override _.Dtype = if isF32 then Dtype.Float32 else Dtype.Float64

    [<Runtime.CompilerServices.MethodImpl(Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)>]
    member private t.UnaryArray(k: UnaryKind) : 'T[] =
        if isF32 && (k = UnaryKind.Exp || k = UnaryKind.Log || k = UnaryKind.Tanh || k = UnaryKind.Sigmoid || k = UnaryKind.Sin || k = UnaryKind.Cos
                     || k = UnaryKind.Tan || k = UnaryKind.Atan || k = UnaryKind.Asin || k = UnaryKind.Acos || k = UnaryKind.Erf
                     || k = UnaryKind.Sinh || k = UnaryKind.Cosh || k = UnaryKind.Softplus) then
            // PyTorch's vectorised float32 kernels (SLEEF), bit for bit.
            let src = box data :?> float32[]
            let dst = SweepBuffers.OutUninitialized<float32> src.Length
            match k with
            | UnaryKind.Exp -> Sleef.exp32 (ReadOnlySpan src) (Span dst)
            | UnaryKind.Log -> Sleef.log32 (ReadOnlySpan src) (Span dst)
            | UnaryKind.Tanh -> Sleef.tanh32 (ReadOnlySpan src) (Span dst)
            | UnaryKind.Sigmoid -> Sleef.sigmoid32 (ReadOnlySpan src) (Span dst)
            | UnaryKind.Sin -> Fluxion.Random.SleefTrig.sinInto (ReadOnlySpan src) (Span dst)
            | UnaryKind.Tan -> SleefMath.tan32 (ReadOnlySpan src) (Span dst)
            | UnaryKind.Atan -> SleefMath.atan32 (ReadOnlySpan src) (Span dst)
            | UnaryKind.Asin -> SleefMath.asin32 (ReadOnlySpan src) (Span dst)
            | UnaryKind.Acos -> SleefMath.acos32 (ReadOnlySpan src) (Span dst)
            | UnaryKind.Erf -> SleefMath.erf32 (ReadOnlySpan src) (Span dst)
            | UnaryKind.Sinh -> SleefMath.sinh32 (ReadOnlySpan src) (Span dst)
            | UnaryKind.Cosh -> SleefMath.cosh32 (ReadOnlySpan src) (Span dst)
            | UnaryKind.Softplus -> SleefMath.softplus32 (ReadOnlySpan src) (Span dst)
            | _ -> Fluxion.Random.SleefTrig.cosInto (ReadOnlySpan src) (Span dst)
            box dst :?> 'T[]
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
            // .NET's LogP1/ExpM1 form 1 + x and e^x - 1 literally, losing every digit of a tiny result.
            | UnaryKind.Log1p -> Loops.map (fun (x: 'T) -> c (Special.log1p (Double.CreateTruncating x))) data
            | UnaryKind.Expm1 -> Loops.map (fun (x: 'T) -> c (Special.expm1 (Double.CreateTruncating x))) data
            | UnaryKind.Square -> Loops.map (fun (x: 'T) -> x * x) data
            | UnaryKind.Reciprocal -> Loops.map (fun (x: 'T) -> one / x) data
            | UnaryKind.Erf -> Loops.map (fun (x: 'T) -> c (Special.erf (Double.CreateTruncating x))) data
            | UnaryKind.Softplus -> Loops.map (fun (x: 'T) -> if gt x (c 20.0) then x else c (Special.log1p (Double.CreateTruncating ('T.Exp x)))) data
            | UnaryKind.StepPositive -> Loops.map (fun (x: 'T) -> if gt x 'T.Zero then one else 'T.Zero) data
            | UnaryKind.Atan -> Loops.map (fun x -> 'T.Atan x) data
            | UnaryKind.Asin -> Loops.map (fun x -> 'T.Asin x) data
            | UnaryKind.Acos -> Loops.map (fun x -> 'T.Acos x) data
            | UnaryKind.Sinh -> Loops.map (fun x -> 'T.Sinh x) data
            | UnaryKind.Cosh -> Loops.map (fun x -> 'T.Cosh x) data
            | _ -> raise (NotSupportedException(sprintf "managed backend: unary kernel %A" k))
        f

    override t.UnaryImpl(k) =
        let r = t.UnaryArray k
        if CaptureState.CanOffer t then CaptureState.Offer(r, ArrayStep<'T>(r, (fun () -> t.UnaryArray k), "unary"))
        RawFloat<'T>(r, shape) :> RawTensor

    [<Runtime.CompilerServices.MethodImpl(Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)>]
    member private t.UnaryParamArray(k: ParamUnaryKind, p: float) : 'T[] =
        let pv = c p
        let f =
            match k with
            | ParamUnaryKind.LeakyRelu -> Loops.map (fun (x: 'T) -> if gt x 'T.Zero then x else x * pv) data
            | ParamUnaryKind.Elu -> Loops.map (fun (x: 'T) -> if gt x 'T.Zero then x else pv * 'T.ExpM1 x) data
            | ParamUnaryKind.PowScalar ->
                if p = 2.0 then Loops.map (fun (x: 'T) -> x * x) data
                elif p = 1.0 then Array.copy data
                elif p = 0.5 then Loops.map (fun x -> 'T.Sqrt x) data
                // PyTorch's CPU pow special-cases these exponents (x*x*x, rsqrt as 1/sqrt).
                elif p = 3.0 then Loops.map (fun (x: 'T) -> let sq: 'T = x * x in sq * x) data
                elif p = -0.5 then (let one = 'T.One in Loops.map (fun (x: 'T) -> one / 'T.Sqrt x) data)
                elif p = -1.0 then (let one = 'T.One in Loops.map (fun (x: 'T) -> one / x) data)
                elif p = -2.0 then (let one = 'T.One in Loops.map (fun (x: 'T) -> one / (x * x)) data)
                elif isF32 then
                    // PyTorch's generic pow kernel: SLEEF powf on full vectors, libm's double pow on the tail.
                    let src = box data :?> float32[]
                    let dst = SweepBuffers.OutUninitialized<float32> src.Length
                    SleefMath.powScalar32 p (ReadOnlySpan src) (Span dst)
                    box dst :?> 'T[]
                else Loops.map (fun x -> 'T.Pow(x, pv)) data
            | _ -> raise (NotSupportedException(sprintf "managed backend: parametrised kernel %A" k))
        f

    override t.UnaryParamImpl(k, p) =
        let r = t.UnaryParamArray(k, p)
        if CaptureState.CanOffer t then CaptureState.Offer(r, ArrayStep<'T>(r, (fun () -> t.UnaryParamArray(k, p)), "unary-param"))
        RawFloat<'T>(r, shape) :> RawTensor

    override t.ClampImpl(lo, hi) =
        let l = c lo
        let h = c hi
        let hasLo = not (Double.IsNaN lo)
        let hasHi = not (Double.IsNaN hi)
        RawFloat<'T>(Loops.map (fun (x: 'T) ->
            let x = if hasLo && lt x l then l else x
            if hasHi && gt x h then h else x) data, shape) :> RawTensor

    [<Runtime.CompilerServices.MethodImpl(Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)>]
    member private t.BinaryArray(k: BinaryKind, o: RawTensor, outShape: int[]) : 'T[] =
        let b = t.Arr o
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
        r

    override t.BinaryImpl(k, o) =
        let outShape = Shape.broadcast "binary" shape o.Shape
        let r = t.BinaryArray(k, o, outShape)
        if CaptureState.CanOffer t then CaptureState.Offer(r, ArrayStep<'T>(r, (fun () -> t.BinaryArray(k, o, outShape)), "binary"))
        RawFloat<'T>(r, outShape) :> RawTensor

    [<Runtime.CompilerServices.MethodImpl(Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)>]
    member private t.BinaryScalarArray(k: BinaryKind, s: float, scalarFirst: bool) : 'T[] =
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
        r

    override t.BinaryScalarImpl(k, s, scalarFirst) =
        let r = t.BinaryScalarArray(k, s, scalarFirst)
        if CaptureState.CanOffer t then CaptureState.Offer(r, ArrayStep<'T>(r, (fun () -> t.BinaryScalarArray(k, s, scalarFirst)), "binary-scalar"))
        RawFloat<'T>(r, shape) :> RawTensor

    override t.CompareImpl(k, o) =
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

    override t.CompareScalarImpl(k, s) =
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
    override t.SumAllImpl() =
        // PyTorch's cascade summation order, so printed losses agree digit for digit.
        if isF32 then RawFloat<float32>([| Reduce.sum32 (ReadOnlySpan(box data :?> float32[])) |], [||]) :> RawTensor
        else RawFloat<float>([| Reduce.sum64 (ReadOnlySpan(box data :?> float[])) |], [||]) :> RawTensor

    [<Runtime.CompilerServices.MethodImpl(Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)>]
    member private t.SumDimsArray(dims: int[], kept: int[]) : 'T[] =
        let nd = shape.Length
        if nd >= 1 && dims.Length = 1 && dims.[0] = nd - 1 then
            // Sum over the last dimension: one PyTorch 1-D cascade per row.
            let cols = shape.[nd - 1]
            // From the shape, not data.Length / cols: a (2, 0) tensor still has 2 (empty, zero-sum) rows.
            let rows = Loops.sizeProduct shape 0 (nd - 1)
            if isF32 then
                let dst = SweepBuffers.Out<float32> rows
                Reduce.sumCols32 (ReadOnlySpan(box data :?> float32[])) rows cols (Span dst)
                box dst :?> 'T[]
            else
                let dst = SweepBuffers.Out<float> rows
                Reduce.sumCols64 (ReadOnlySpan(box data :?> float[])) rows cols (Span dst)
                box dst :?> 'T[]
        elif nd >= 2 && dims.Length = 1 then
            // Sum over one inner dimension: the dims after it coalesce into columns, so each outer slice is a
            // (rows, cols) matrix summed over its rows in PyTorch's column-reduction order.
            let d = dims.[0]
            let rows = shape.[d]
            let cols = Loops.sizeProduct shape (d + 1) nd
            let outer = Loops.sizeProduct shape 0 d
            if isF32 then
                let src = box data :?> float32[]
                let dst = SweepBuffers.Out<float32> (outer * cols)
                for o in 0 .. outer - 1 do
                    Reduce.sumRows32 (ReadOnlySpan(src, o * rows * cols, rows * cols)) rows cols (Span(dst, o * cols, cols))
                box dst :?> 'T[]
            else
                let src = box data :?> float[]
                let dst = SweepBuffers.Out<float> (outer * cols)
                for o in 0 .. outer - 1 do
                    Reduce.sumRows64 (ReadOnlySpan(src, o * rows * cols, rows * cols)) rows cols (Span(dst, o * cols, cols))
                box dst :?> 'T[]
        else
            let r : 'T[] = SweepBuffers.Out<'T> (Shape.numel kept)
            Loops.walk shape (Loops.broadcastStrides kept shape) 0 (fun i o -> r.[o] <- r.[o] + data.[i])
            r

    override t.SumDimsImpl(dims, keepDim) =
        let kept = Loops.reducedShape shape dims
        let outShape = if keepDim then kept else Loops.dropDims kept dims
        let r = t.SumDimsArray(dims, kept)
        if CaptureState.CanOffer t then CaptureState.Offer(r, ArrayStep<'T>(r, (fun () -> t.SumDimsArray(dims, kept)), "sum-dims"))
        RawFloat<'T>(r, outShape) :> RawTensor

    override t.ExtremeDimImpl(dim, keepDim, isMax) =
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

    override t.ExtremeAllImpl(isMax) =
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
    member private t.MatMulArray(b: 'T[], transA: bool, transB: bool, batch: int, m: int, n: int, k: int, ar: int, ac: int, br: int, bc: int) : 'T[] =
        // Every kernel below runs the same in-order, unfused sums, so the bits do not depend on the choice.
        // A row times a matrix with a long inner dimension (a small layer's weight gradient, 1 x 100 x 3), or a
        // transposed A times a column, which is the same sums as the row b^T times A (lanes across the outputs).
        if isF32 && batch = 1 && m = 1 && n >= 2 && n <= 8 && k >= 8 && not transB && Vector256.IsHardwareAccelerated
           && int64 n * int64 k <= RawFloat<'T>.ExactMatMulWork then
            box (ExactMatMul.rowTimesMatrix32 (box data :?> float32[], box b :?> float32[], n, k)) :?> 'T[]
        elif isF32 && batch = 1 && n = 1 && transA && m >= 2 && m <= 8 && k >= 8 && Vector256.IsHardwareAccelerated
             && int64 m * int64 k <= RawFloat<'T>.ExactMatMulWork then
            box (ExactMatMul.rowTimesMatrix32 (box b :?> float32[], box data :?> float32[], m, k)) :?> 'T[]
        // A handful of outputs over a long inner dimension otherwise: the scalar loop's independent sums beat the
        // vector kernel, whose packing of B would dominate (measured 121 against 435 ns for 1 x 2 x 100).
        elif batch = 1 && m * n <= 4 && m * n > 0 && int64 k <= RawFloat<'T>.ExactMatMulWork then
            ExactMatMul.fewOutputs (data, b, m, n, k, transA, transB)
        // Before the scalar loop even for few outputs: a one-column layer over 16 rows is 16 dependent chains
        // one after another there (119 ns for 16 x 1 x 10), 8 at once here (39 ns).
        elif isF32 && batch = 1 && k > 1 && not transA && n <= 4 && m >= 8 && Vector256.IsHardwareAccelerated
             && int64 m * int64 n * int64 k <= RawFloat<'T>.ExactMatMulWork then
            box (ExactMatMul.narrowRows32 (box data :?> float32[], box b :?> float32[], m, n, k, transB)) :?> 'T[]
        // Rows of 9 to 15 columns, 16 with 512-bit vectors (a hidden layer of 10), ahead of the scalar loop so that one or two such rows
        // (a weight gradient, 1 x 10 over 16 points) take vector lanes too; and such a column of a transposed
        // A, which is the same numbers as the row b^T A (same products, same order): lanes across the outputs
        // instead of one dependent chain per output (16 x 10 -> 10 x 1: 112 -> 53 ns).
        elif RawFloat<'T>.RowPass(batch, m, n, k) then ExactMatMul.rowPass (data, b, m, n, k, transA, transB)
        elif n = 1 && transA && RawFloat<'T>.RowPass(batch, 1, m, k) then ExactMatMul.rowPass (b, data, 1, m, k, false, false)
        elif m * n <= 32 && int64 m * int64 n * int64 k <= RawFloat<'T>.ExactMatMulWork then
            ExactMatMul.scalar (data, b, batch, m, n, k, ar, ac, br, bc, transA, transB)
        elif isF32 && batch = 1 && k = 1 then
            box (ExactMatMul.outer32 (box data :?> float32[], box b :?> float32[], m, n)) :?> 'T[]
        elif int64 m * int64 n * int64 k <= RawFloat<'T>.ExactMatMulWork && Vector256.IsHardwareAccelerated then
            ExactMatMul.vectorised (data, b, batch, m, n, k, ar, ac, br, bc, transA, transB)
        elif int64 m * int64 n * int64 k <= RawFloat<'T>.ExactMatMulWork then
            // Each element is an in-order, unfused dot product, the order of the reference BLAS behind
            // Debian's PyTorch, so small networks train to PyTorch's bits.
            ExactMatMul.scalar (data, b, batch, m, n, k, ar, ac, br, bc, transA, transB)
        elif isF32 then
            let r = SweepBuffers.Take<float32> (batch * m * n)
            MatMul.batchedGemm32 batch transA transB m n k 1.0f (box data :?> float32[]) 0 ac (ar * ac)
                (box b :?> float32[]) 0 bc (br * bc) 0.0f r 0 n (m * n)
            box r :?> 'T[]
        else
            let r = SweepBuffers.Take<float> (batch * m * n)
            MatMul.batchedGemm64 batch transA transB m n k 1.0 (box data :?> float[]) 0 ac (ar * ac)
                (box b :?> float[]) 0 bc (br * bc) 0.0 r 0 n (m * n)
            box r :?> 'T[]

    /// The product with `o` (as MatMul computes it) as a bare array, for fused ops that finish it in place.
    member internal t.MatMulValues(o: RawTensor, transA: bool, transB: bool) : 'T[] =
        let b = t.Arr o
        let struct (batch, m, n, k, ar, ac, br, bc) = t.MatMulDims(o, transA, transB)
        t.MatMulArray(b, transA, transB, batch, m, n, k, ar, ac, br, bc)

    /// relu(t Wᵀ + b) (or t Wᵀ + b) for a 2-D t, W (out x in) and a bias of `out` values: the bias and relu
    /// folded into the product's stores when the 512-bit exact kernel serves the shape, else the product then the
    /// bias(+relu) pass. The same roundings either way (each product element, then + b, then relu).
    member internal t.LinearValues(w: RawTensor, bias: 'T[], relu: bool) : 'T[] =
        let b = t.Arr w
        let struct (batch, m, n, k, ar, ac, br, bc) = t.MatMulDims(w, false, true)
        if isF32 && ExactMatMul.allow512 () && bias.Length = n && RawFloat<'T>.RowPass(batch, m, n, k) then
            ExactMatMul.wideRowsThen (data, b, m, n, k, false, true, bias, relu)
        else
            if not isF32 then invalidOp "RawFloat.LinearValues: float32 only (the fused linear steps are float32)"
            let r = t.MatMulArray(b, false, true, batch, m, n, k, ar, ac, br, bc)
            if relu then BiasRelu.addRowsRelu (box r :?> float32[]) (box bias :?> float32[])
            else BiasRelu.addRows (box r :?> float32[]) (box bias :?> float32[])
            r

    /// Whether a product goes to the one-pass row kernels (one matrix, 9 to 16 float32 columns).
    static member private RowPass(batch: int, m: int, n: int, k: int) =
        batch = 1 && k > 0 && Vector256.IsHardwareAccelerated && ExactMatMul.rowPassServes<'T> n
        && int64 m * int64 n * int64 k <= RawFloat<'T>.ExactMatMulWork

    member private _.MatMulDims(o: RawTensor, transA: bool, transB: bool) =
        let batched = shape.Length = 3
        let batch = if batched then shape.[0] else 1
        let off = if batched then 1 else 0
        let ar, ac = shape.[off], shape.[off + 1]
        let br, bc = o.Shape.[off], o.Shape.[off + 1]
        let m = if transA then ac else ar
        let k = if transA then ar else ac
        let n = if transB then br else bc
        struct (batch, m, n, k, ar, ac, br, bc)

    override t.MatMulImpl(o, transA, transB) =
        let b = t.Arr o
        let struct (batch, m, n, k, ar, ac, br, bc) = t.MatMulDims(o, transA, transB)
        let outShape = if shape.Length = 3 then [| batch; m; n |] else [| m; n |]
        let r = t.MatMulArray(b, transA, transB, batch, m, n, k, ar, ac, br, bc)
        // Only over o's own storage: a strided o's elements are a copy made here, which a replay would not refresh.
        if CaptureState.CanOffer t && (o :? RawArray<'T>) then
            CaptureState.Offer(r, ArrayStep<'T>(r, (fun () -> t.MatMulArray(b, transA, transB, batch, m, n, k, ar, ac, br, bc)), "matmul"))
        RawFloat<'T>(r, outShape) :> RawTensor

    member private _.SliceScatterArray(n: int, strides: int[], start: int) : 'T[] =
        let r : 'T[] = SweepBuffers.Out<'T> n
        Loops.walk shape strides start (fun i p -> r.[p] <- r.[p] + data.[i])
        r

    override t.SliceScatterImpl(fullShape, starts, steps) =
        let st = Shape.strides fullShape
        let mutable start = 0
        for i in 0 .. fullShape.Length - 1 do start <- start + starts.[i] * st.[i]
        let strides = Array.init fullShape.Length (fun i -> st.[i] * steps.[i])
        let n = Shape.numel fullShape
        let r = t.SliceScatterArray(n, strides, start)
        if CaptureState.CanOffer t then CaptureState.Offer(r, ArrayStep<'T>(r, (fun () -> t.SliceScatterArray(n, strides, start)), "slice-scatter"))
        RawFloat<'T>(r, fullShape) :> RawTensor

    override t.ScatterAddIntoImpl(outShape, dim, index) =
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

    override t.Conv1dImpl(weight, stride, padding, dilation, groups) =
        let w = t.Arr weight
        let nb, cin, len = shape.[0], shape.[1], shape.[2]
        let cout, cpg, k = weight.Shape.[0], weight.Shape.[1], weight.Shape.[2]
        let lout = (len + 2 * padding - dilation * (k - 1) - 1) / stride + 1
        if typeof<'T> = typeof<float32> && Conv1d.followsOneDnn nb cin cout len k stride dilation groups then
            RawFloat<'T>(box (Conv1d.oneDnnForward32 (box data :?> float32[], box w :?> float32[], nb, len, k, padding)) :?> 'T[], [| nb; cout; lout |]) :> RawTensor
        elif typeof<'T> = typeof<float32> && Conv1d.followsOneDnnDirect nb cin len k stride dilation groups then
            RawFloat<'T>(box (Conv1d.directForward32 (box data :?> float32[], box w :?> float32[], nb, cin, len, cout, k, lout, stride, padding, dilation)) :?> 'T[], [| nb; cout; lout |]) :> RawTensor
        elif typeof<'T> = typeof<float32> && Conv1d.followsOneDnnGrouped nb cin cout len k stride dilation groups then
            RawFloat<'T>(box (Conv1d.gemmForward32 (box data :?> float32[], box w :?> float32[], nb, cin, len, cout, cpg, k, lout, stride, padding, dilation, groups)) :?> 'T[], [| nb; cout; lout |]) :> RawTensor
        elif stride = 1 && dilation = 1 && groups = 1 && Vector256.IsHardwareAccelerated then
            RawFloat<'T>(Conv1d.vectorised (data, w, nb, cin, len, cout, k, padding), [| nb; cout; lout |]) :> RawTensor
        else
            RawFloat<'T>(Conv1d.forward (data, w, nb, cin, len, cout, cpg, k, lout, stride, padding, dilation, groups), [| nb; cout; lout |]) :> RawTensor

    override t.Conv1dGradInputImpl(weight, inputShape, stride, padding, dilation, groups) =
        let w = t.Arr weight
        let nb, cin, len = inputShape.[0], inputShape.[1], inputShape.[2]
        let cout, cpg, k = weight.Shape.[0], weight.Shape.[1], weight.Shape.[2]
        let lout = shape.[2]
        if typeof<'T> = typeof<float32> && Conv1d.followsOneDnnDirectGradInput nb cin cout len k stride padding dilation groups then
            RawFloat<'T>(box (Conv1d.directGradInput32 (box data :?> float32[], box w :?> float32[], nb, cin, len, cout, k, lout, stride, padding, dilation)) :?> 'T[], inputShape) :> RawTensor
        elif typeof<'T> = typeof<float32> && Conv1d.followsOneDnnGrouped nb cin cout len k stride dilation groups then
            RawFloat<'T>(box (Conv1d.gemmGradInput32 (box data :?> float32[], box w :?> float32[], nb, cin, len, cout, cpg, k, lout, stride, padding, dilation, groups)) :?> 'T[], inputShape) :> RawTensor
        else
            RawFloat<'T>(Conv1d.gradInput (data, w, nb, cin, len, cout, cpg, k, lout, stride, padding, dilation, groups), inputShape) :> RawTensor

    override t.Conv1dGradWeightImpl(input, weightShape, stride, padding, dilation, groups) =
        let x = t.Arr input
        let nb, cin, len = input.Shape.[0], input.Shape.[1], input.Shape.[2]
        let cout, cpg, k = weightShape.[0], weightShape.[1], weightShape.[2]
        let lout = shape.[2]
        if typeof<'T> = typeof<float32> && Conv1d.followsOneDnnGemmGradWeight nb cin cout len k stride dilation groups then
            RawFloat<'T>(box (Conv1d.oneDnnGradWeight32 (box data :?> float32[], box x :?> float32[], nb, len, k, padding)) :?> 'T[], weightShape) :> RawTensor
        elif typeof<'T> = typeof<float32> && Conv1d.followsOneDnnDirectGradWeight nb cin len k stride dilation groups then
            RawFloat<'T>(box (Conv1d.directGradWeight32 (box data :?> float32[], box x :?> float32[], nb, cin, len, cout, k, lout, stride, padding, dilation)) :?> 'T[], weightShape) :> RawTensor
        elif typeof<'T> = typeof<float32> && Conv1d.followsOneDnnGemmGradWeightMulti nb cin cout len k stride dilation groups then
            RawFloat<'T>(box (Conv1d.gemmGradWeight32 (box data :?> float32[], box x :?> float32[], nb, cin, len, cout, cpg, k, lout, stride, padding, dilation, groups)) :?> 'T[], weightShape) :> RawTensor
        elif stride = 1 && dilation = 1 && groups = 1 && Vector256.IsHardwareAccelerated then
            RawFloat<'T>(Conv1d.gradWeightVectorised (data, x, nb, cin, len, cout, k, padding), weightShape) :> RawTensor
        else
            RawFloat<'T>(Conv1d.gradWeight (data, x, nb, cin, len, cout, cpg, k, lout, stride, padding, dilation, groups), weightShape) :> RawTensor

    override t.MaxPool1dImpl(k, stride, padding, dilation) =
        let nb, ch, len = shape.[0], shape.[1], shape.[2]
        let lout = (len + 2 * padding - dilation * (k - 1) - 1) / stride + 1
        let r, idx = Pool1d.maxPool (data, nb * ch, len, lout, k, stride, padding, dilation)
        struct (RawFloat<'T>(r, [| nb; ch; lout |]) :> RawTensor, RawInt64(idx, [| nb; ch; lout |]) :> RawTensor)

    override t.AvgPool1dImpl(k, stride, padding) =
        let nb, ch, len = shape.[0], shape.[1], shape.[2]
        let lout = (len + 2 * padding - k) / stride + 1
        RawFloat<'T>(Pool1d.avgPool (data, nb * ch, len, lout, k, stride, padding), [| nb; ch; lout |]) :> RawTensor

    override t.AvgPool1dGradImpl(inputShape, k, stride, padding) =
        let nb, ch, len = inputShape.[0], inputShape.[1], inputShape.[2]
        let lout = shape.[2]
        RawFloat<'T>(Pool1d.avgPoolGrad (data, nb * ch, len, lout, k, stride, padding), inputShape) :> RawTensor

    override t.CastImpl(d) =
        match d with
        | Dtype.Float32 -> RawFloat<float32>(Loops.map (fun (x: 'T) -> Single.CreateTruncating x) data, shape) :> RawTensor
        | Dtype.Float64 -> RawFloat<float>(Loops.map (fun (x: 'T) -> Double.CreateTruncating x) data, shape) :> RawTensor
        | Dtype.Int64 -> RawInt64(Loops.map (fun (x: 'T) -> Int64.CreateTruncating x) data, shape) :> RawTensor
        // Truncation toward zero, then the low 32 bits: out-of-range values are undefined behaviour in PyTorch's C
        // cast, so Fluxion picks a documented wrap (NaN gives 0; beyond the int64 range saturates first).
        | Dtype.Int32 -> RawInt32(Loops.map (fun (x: 'T) -> int32 (Int64.CreateTruncating x)) data, shape) :> RawTensor
        | _ -> RawBool(Loops.map (fun (x: 'T) -> ne x 'T.Zero) data, shape) :> RawTensor

    override t.GetDoubleImpl(i) = Double.CreateTruncating data.[i]
    override t.ToDoubleArrayImpl() = Loops.map (fun (x: 'T) -> Double.CreateTruncating x) data
    override t.ToFloat32ArrayImpl() = Loops.map (fun (x: 'T) -> Single.CreateTruncating x) data
    override t.ToInt64ArrayImpl() = Loops.map (fun (x: 'T) -> Int64.CreateTruncating x) data
    override t.ToBoolArrayImpl() = Loops.map (fun (x: 'T) -> ne x 'T.Zero) data
    override t.AddInPlaceImpl(o, alpha) =
        let b = t.Arr o
        if alpha = 1.0 then
            for i in 0 .. data.Length - 1 do data.[i] <- data.[i] + b.[i]
        else
            // PyTorch's add(alpha) fuses: fma(alpha, other, self) in the tensor's precision.
            let a = c alpha
            for i in 0 .. data.Length - 1 do data.[i] <- 'T.FusedMultiplyAdd(a, b.[i], data.[i])
    override t.FillInPlaceImpl(v) = Array.Fill(data, c v)
    override t.ReluGradImpl(grad) =
        match grad with
        | :? RawFloat<'T> as g when Shape.equal g.Shape shape ->
            let gd = g.Data
            let r = t.ReluGradArray gd
            if CaptureState.CanOffer t then CaptureState.Offer(r, ArrayStep<'T>(r, (fun () -> t.ReluGradArray gd), "relu-grad"))
            RawFloat<'T>(r, shape) :> RawTensor
        | _ -> base.ReluGradImpl grad

    member private _.ReluGradArray(gd: 'T[]) : 'T[] =
        if isF32 then
            let r = SweepBuffers.Take<float32> data.Length
            Fluxion.Kernels.BiasRelu.reluMask (box data :?> float32[]) (box gd :?> float32[]) r
            box r :?> 'T[]
        else
            // One pass, no mask tensor; x <= 0 gives +0 and NaN inputs pass the gradient, as threshold_backward does.
            let r = SweepBuffers.Take<'T> data.Length
            for i in 0 .. data.Length - 1 do
                if not (le data.[i] 'T.Zero) then r.[i] <- gd.[i]
            r

    /// The parameter's array under an optimizer kernel: buffers of another kind (or missing ones) give null.
    static member private Buf(r: RawTensor) : 'T[] =
        match r with
        | :? RawFloat<'T> as f -> f.Data
        | _ -> null

    // The optimizers' kernels on this array and the state's buffers (same arithmetic as the pure optimizers);
    // false when a buffer the settings need is missing or of another kind.
    interface IOptimizerStorage with
        member _.SgdStep(grad, momentumBuffer, hasBuffer, hp) =
            let b = if hp.Momentum <> 0.0 then RawFloat<'T>.Buf momentumBuffer else Array.Empty<'T>()
            let g = RawFloat<'T>.Buf grad
            if isNull b || isNull g then false
            else
                if isF32 then sgdStepBuffer32 (box data :?> float32[]) (box g :?> float32[]) (box b :?> float32[]) hasBuffer hp
                else sgdStepBuffer64 (box data :?> float[]) (box g :?> float[]) (box b :?> float[]) hasBuffer hp
                true
        member _.AdamStep(grad, expAvg, expAvgSq, maxExpAvgSq, step, decoupled, hp) =
            let m, v = RawFloat<'T>.Buf expAvg, RawFloat<'T>.Buf expAvgSq
            let mx = if hp.Amsgrad then RawFloat<'T>.Buf maxExpAvgSq else [||]
            let g = RawFloat<'T>.Buf grad
            if isNull m || isNull v || isNull mx || isNull g then false
            else
                // The kernels count the step themselves, from the previous one.
                let st : AdamState<'T> = { ExpAvg = m; ExpAvgSq = v; MaxExpAvgSq = mx; Step = float (step - 1) }
                if isF32 then
                    (if decoupled then adamWStep32 else adamStep32) (box data :?> float32[]) (box g :?> float32[]) (box st :?> AdamState<float32>) hp
                else
                    (if decoupled then adamWStep64 else adamStep64) (box data :?> float[]) (box g :?> float[]) (box st :?> AdamState<float>) hp
                true
        member _.RmspropStep(grad, squareAvg, momentumBuffer, gradAvg, hp) =
            let sq = RawFloat<'T>.Buf squareAvg
            let mb = if hp.Momentum > 0.0 then RawFloat<'T>.Buf momentumBuffer else [||]
            let ga = if hp.Centered then RawFloat<'T>.Buf gradAvg else [||]
            let g = RawFloat<'T>.Buf grad
            if isNull sq || isNull mb || isNull ga || isNull g then false
            else
                // RMSprop's arithmetic does not read the step count.
                let st : RmspropState<'T> = { SquareAvg = sq; MomentumBuffer = mb; GradAvg = ga; Step = 0.0 }
                if isF32 then rmspropStep32 (box data :?> float32[]) (box g :?> float32[]) (box st :?> RmspropState<float32>) hp
                else rmspropStep64 (box data :?> float[]) (box g :?> float[]) (box st :?> RmspropState<float>) hp
                true

    // PyTorch's float32 MSE kernels; float64 runs the loss's composite.
    interface IMseStorage with
        member t.TryMse(target, mean) =
            if CaptureState.Active then Capture.Op(t, fun () -> t.MseCore(target, mean)) else t.MseCore(target, mean)
        member t.TryMseGrad(target, scale, grad, negate) =
            if CaptureState.Active then Capture.Op(t, fun () -> t.MseGradCore(target, scale, grad, negate))
            else t.MseGradCore(target, scale, grad, negate)

    member private t.MseCore(target: RawTensor, mean: bool) : RawTensor =
            match target with
            | :? RawFloat<float32> as fb when isF32 ->
                let a = box data :?> float32[]
                let b = fb.Data
                let r = RawFloat<'T>.MseArray(a, b, mean)
                if CaptureState.CanOffer t then CaptureState.Offer(r, ArrayStep<float32>(r, (fun () -> RawFloat<'T>.MseArray(a, b, mean)), "mse"))
                RawFloat<float32>(r, Array.Empty<int>()) :> RawTensor
            | _ -> Unchecked.defaultof<RawTensor>
    static member private MseGradArray(a: float32[], b: float32[], scale: float, g: float32[], negate: bool) : float32[] =
        let dst = SweepBuffers.Take<float32> a.Length
        LossKernels.mseGrad32 (ReadOnlySpan a) (ReadOnlySpan b) (float32 scale) (ReadOnlySpan g) negate (Span dst)
        dst
    static member private MseArray(a: float32[], b: float32[], mean: bool) : float32[] =
        let r = SweepBuffers.OutUninitialized<float32> 1
        r.[0] <- if mean then LossKernels.mseMean32 a b else LossKernels.mseSum32 a b
        r
    member private t.MseGradCore(target: RawTensor, scale: float, grad: RawTensor, negate: bool) : RawTensor =
            match target, grad with
            | (:? RawFloat<float32> as fb), (:? RawFloat<float32> as fg)
                when isF32 && Shape.equal shape fb.Shape && (fg.Numel = 1 && fg.Shape.Length = 0 || Shape.equal fg.Shape shape) ->
                let a = box data :?> float32[]
                let b = fb.Data
                let g = fg.Data
                let dst = RawFloat<'T>.MseGradArray(a, b, scale, g, negate)
                if CaptureState.CanOffer t then
                    CaptureState.Offer(dst, ArrayStep<float32>(dst, (fun () -> RawFloat<'T>.MseGradArray(a, b, scale, g, negate)), "mse-grad"))
                RawFloat<float32>(dst, shape) :> RawTensor
            | _ -> Unchecked.defaultof<RawTensor>

/// The pure managed .NET backend (the default).
and [<Sealed>] ManagedBackend private () =
    static let instance = ManagedBackend()
    // Storages compiled before this file reach the backend through ManagedHome.
    static do ManagedHome.Backend <- instance
    /// The single instance.
    static member Instance = instance :> IBackend
    interface IBackend with
        member _.Name = "managed"
        member b.Full(shape, v, dtype) =
            if CaptureState.Recording then
                // A fill made inside a capture is refilled on every replay: recorded kernels may write into it.
                CaptureState.Enter()
                let r = try ManagedBackend.MakeFull(shape, v, dtype) finally CaptureState.Exit()
                Capture.Action(fun () -> r.FillInPlaceImpl v)
                r
            else ManagedBackend.MakeFull(shape, v, dtype)
        member _.OfFloat32(d, s) = CaptureState.HostMade(box d); RawFloat<float32>(d, s) :> RawTensor
        member _.OfFloat64(d, s) = CaptureState.HostMade(box d); RawFloat<float>(d, s) :> RawTensor
        member _.OfInt64(d, s) = CaptureState.HostMade(box d); RawInt64(d, s) :> RawTensor
        member _.OfBool(d, s) = CaptureState.HostMade(box d); RawBool(d, s) :> RawTensor
        member _.Cat(parts, dim) = parts.[0].Cat(parts.[1..], dim)
    static member private MakeFull(shape: int[], v: float, dtype: Dtype) : RawTensor =
            let n = Shape.numel shape
            match dtype with
            | Dtype.Float32 -> RawFloat<float32>(Array.create n (float32 v), shape) :> RawTensor
            | Dtype.Float64 -> RawFloat<float>(Array.create n v, shape) :> RawTensor
            | Dtype.Int64 -> RawInt64(Array.create n (int64 v), shape) :> RawTensor
            | Dtype.Int32 -> RawInt32(Array.create n (int32 (int64 v)), shape) :> RawTensor
            | _ -> RawBool(Array.create n (v <> 0.0), shape) :> RawTensor
