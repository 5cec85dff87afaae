namespace Fluxion.Ops

open System
open Fluxion
open Fluxion.Backend

/// Elementwise functions; each op's value and derivative rules sit in one definition.
module Elementwise =
    /// A constant (non-differentiable) mask computed from x's data.
    let internal mask (x: Tensor) (f: RawTensor -> RawTensor) = Tensor.OfRaw(f x.Raw)

    /// Builds a unary op from a kernel and the derivative dy/dx written with tensor ops.
    let internal unary (name: string) (kernel: RawTensor -> RawTensor) (dydx: Tensor -> Tensor -> Tensor) (x: Tensor) =
        if isNull (box x) then raise (ArgumentNullException("x", sprintf "%s: the input tensor is null" ((Text.RegularExpressions.Regex.Replace(name, "Backward[0-9]*$", "")).ToLowerInvariant())))
        Tensor.ApplyUnary({ new UnaryOp(name) with
            member _.Forward r = kernel r
            member _.Jvp(x, dx, y) = dx * dydx x y
            member _.Vjp(x, y, g) = g * dydx x y }, (if Dtype.isFloat x.Dtype then x else x.Cast Dtype.Float32))

    let private k (kind: UnaryKind) = fun (r: RawTensor) -> r.Unary kind

    let internal asFloat (x: Tensor) =
        if isNull (box x) then raise (ArgumentNullException("x", "elementwise op: the input tensor is null"))
        if Dtype.isFloat x.Dtype then x else x.Cast Dtype.Float32

    /// The input as a float tensor, refusing null under the op's name.
    let private input (op: string) (x: Tensor) =
        if isNull (box x) then raise (ArgumentNullException("x", sprintf "%s: the input tensor is null" op))
        asFloat x

    /// perElement for a batch of directions (batched Hessian columns) against plain saved values: the same
    /// per-element rule on every row of the batch, so each column rounds as it would alone.
    let private perElementBatched (rd: RawTensor) (saved: Tensor[]) (f32: float32 -> float32 -> float32 -> float32) (f64: float -> float -> float -> float) (composite: unit -> Tensor) =
        match rd with
        | :? BatchedRaw as b when (b.Physical.Backend :? ManagedBackend) && saved.Length >= 1 && saved.Length <= 2
                                  && saved |> Array.forall (fun s -> not (BatchedRaw.Is s.Raw) && Shape.equal s.Shape rd.Shape && s.Dtype = rd.Dtype) ->
            let p = b.Physical
            let n = rd.Numel
            let rows = p.Shape.[0]
            match rd.Dtype with
            | Dtype.Float32 ->
                let ds = p.ToFloat32Array()
                let s0 = saved.[0].Raw.ToFloat32Array()
                let s1 = if saved.Length > 1 then saved.[1].Raw.ToFloat32Array() else s0
                let out = Array.zeroCreate (rows * n)
                for r in 0 .. rows - 1 do
                    let o = r * n
                    for i in 0 .. n - 1 do out.[o + i] <- f32 ds.[o + i] s0.[i] s1.[i]
                Tensor.OfRaw(BatchedRaw.Wrap(p.Backend.OfFloat32(out, p.Shape)))
            | Dtype.Float64 ->
                let ds = p.ToDoubleArray()
                let s0 = saved.[0].Raw.ToDoubleArray()
                let s1 = if saved.Length > 1 then saved.[1].Raw.ToDoubleArray() else s0
                let out = Array.zeroCreate (rows * n)
                for r in 0 .. rows - 1 do
                    let o = r * n
                    for i in 0 .. n - 1 do out.[o + i] <- f64 ds.[o + i] s0.[i] s1.[i]
                Tensor.OfRaw(BatchedRaw.Wrap(p.Backend.OfFloat64(out, p.Shape)))
            | _ -> composite ()
        | _ -> composite ()

    /// A derivative evaluated per element in one pass, the way PyTorch's CPU backward kernels round (their
    /// vectorised a*b+c compiles to one fused multiply-add). It runs when the direction `d` and the saved
    /// values are constants on the managed backend; a traced `d` (higher order) or another backend takes
    /// the differentiable `composite` formula, which is the same derivative up to rounding.
    let internal perElement (d: Tensor) (saved: Tensor[]) (f32: float32 -> float32 -> float32 -> float32) (f64: float -> float -> float -> float) (composite: unit -> Tensor) =
        let plain = match d with TC _ -> saved |> Array.forall (fun s -> match s with TC _ -> true | _ -> false) | _ -> false
        let rd = d.Raw
        if plain && (BatchedRaw.Is rd || saved |> Array.exists (fun s -> BatchedRaw.Is s.Raw)) then
            perElementBatched rd saved f32 f64 composite
        elif not plain || not (rd.Backend :? ManagedBackend) || saved.Length < 1 || saved.Length > 2
           || saved |> Array.exists (fun s -> not (Shape.equal s.Shape rd.Shape) || s.Dtype <> rd.Dtype) then
            composite ()
        else
            let n = rd.Numel
            match rd.Dtype with
            | Dtype.Float32 ->
                let ds = rd.ToFloat32Array()
                let s0 = saved.[0].Raw.ToFloat32Array()
                let s1 = if saved.Length > 1 then saved.[1].Raw.ToFloat32Array() else s0
                let out = Array.zeroCreate n
                for i in 0 .. n - 1 do out.[i] <- f32 ds.[i] s0.[i] s1.[i]
                Tensor.OfRaw(rd.Backend.OfFloat32(out, rd.Shape))
            | Dtype.Float64 ->
                let ds = rd.ToDoubleArray()
                let s0 = saved.[0].Raw.ToDoubleArray()
                let s1 = if saved.Length > 1 then saved.[1].Raw.ToDoubleArray() else s0
                let out = Array.zeroCreate n
                for i in 0 .. n - 1 do out.[i] <- f64 ds.[i] s0.[i] s1.[i]
                Tensor.OfRaw(rd.Backend.OfFloat64(out, rd.Shape))
            | _ -> composite ()

    /// Absolute value.
    let abs (x: Tensor) =
        // Integer tensors keep their dtype (PyTorch's abs of int32 is int32); they never require grad.
        if not (isNull (box x)) && Dtype.isInteger x.Dtype then Tensor.OfRaw(x.Raw.Unary UnaryKind.Abs)
        else unary "AbsBackward0" (k UnaryKind.Abs) (fun x _ -> mask x (fun r -> r.Unary UnaryKind.Sign)) x
    /// Sign (-1, 0 or 1); its derivative is zero.
    let sign x = unary "SignBackward0" (k UnaryKind.Sign) (fun x _ -> x.ZerosLike()) x
    /// e^x.
    let exp x = Tensor.Exp x
    /// Natural logarithm.
    let log x = Tensor.Log x
    /// Square root.
    let sqrt (x: Tensor) : Tensor =
        // PyTorch: grad / (2 * result), one division.
        Tensor.ApplyUnary({ new UnaryOp("SqrtBackward0") with
            member _.Forward r = r.Unary UnaryKind.Sqrt
            member _.Jvp(_, dx, y) = dx / (y * 2.0)
            member _.Vjp(_, y, g) = g / (y * 2.0) }, input "sqrt" x)
    /// Sine.
    let rec sin (x: Tensor) : Tensor =
        Tensor.ApplyUnary({ new UnaryOp("SinBackward0") with
            member _.Forward r = r.Unary UnaryKind.Sin
            member _.Jvp(x, dx, _) = dx * cos x
            member _.Vjp(x, _, g) = g * cos x }, asFloat x)
    /// Cosine.
    and cos (x: Tensor) : Tensor =
        Tensor.ApplyUnary({ new UnaryOp("CosBackward0") with
            member _.Forward r = r.Unary UnaryKind.Cos
            member _.Jvp(x, dx, _) = -(dx * sin x)
            member _.Vjp(x, _, g) = -(g * sin x) }, asFloat x)
    /// Tangent.
    let tan x = unary "TanBackward0" (k UnaryKind.Tan) (fun _ y -> 1.0 + y * y) x
    /// Hyperbolic tangent.
    let tanh (x: Tensor) : Tensor =
        // PyTorch's tanh_backward is d * (1 - y*y) with 1 - y*y as one fused multiply-add; near |y| = 1 the
        // separately rounded y*y would lose hundreds of ulps to cancellation.
        let rule (d: Tensor) (y: Tensor) =
            perElement d [| y |]
                (fun d y _ -> d * MathF.FusedMultiplyAdd(-y, y, 1.0f))
                (fun d y _ -> d * Math.FusedMultiplyAdd(-y, y, 1.0))
                (fun () ->
                    // Recorded (higher-order) or broadcast: still one rounding of 1 - y*y in float32, via the
                    // exact float64 square.
                    if y.Dtype = Dtype.Float32 then (let y64 = y.Cast Dtype.Float64 in d * (1.0 - y64 * y64).Cast Dtype.Float32)
                    else d * (1.0 - y * y))
        Tensor.ApplyUnary({ new UnaryOp("TanhBackward0") with
            member _.Forward r = r.Unary UnaryKind.Tanh
            member _.Jvp(_, dx, y) = rule dx y
            member _.Vjp(_, y, g) = rule g y }, input "tanh" x)
    /// Logistic sigmoid 1 / (1 + e^-x).
    let rec sigmoid (x: Tensor) : Tensor =
        // PyTorch's sigmoid_backward rounds as (g * (1 - y)) * y; the order matters for float32 parity.
        Tensor.ApplyUnary({ new UnaryOp("SigmoidBackward0") with
            member _.Forward r = r.Unary UnaryKind.Sigmoid
            member _.Jvp(_, dx, y) = dx * (1.0 - y) * y
            member _.Vjp(_, y, g) = g * (1.0 - y) * y }, asFloat x)
    // The adjoint and tangent of relu are "pass d where the output y > 0". The mask is constant (step has zero
    // derivative), so a constant d takes one fused backend kernel; a traced d (higher order) keeps the
    // differentiable product.
    let internal passPositive (y: Tensor) (d: Tensor) =
        match d with
        | TC rd -> Tensor.OfRaw(y.Raw.ReluGrad rd)
        | _ -> d * mask y (fun r -> r.Unary UnaryKind.StepPositive)
    // Capture-free, so made once.
    let private reluOp =
        { new UnaryOp("ReluBackward0") with
            member _.Forward r = r.Unary UnaryKind.Relu
            member _.Jvp(_, dx, y) = passPositive y dx
            member _.Vjp(_, y, g) = passPositive y g }
    /// max(x, 0).
    let relu (x: Tensor) : Tensor = Tensor.ApplyUnary(reluOp, asFloat x)
    /// x for x > 0, slope * x otherwise.
    let leakyRelu (slope: float) x =
        unary "LeakyReluBackward0" (fun r -> r.UnaryParam(ParamUnaryKind.LeakyRelu, slope))
            (fun x _ -> mask x (fun r -> r.CompareScalar(CompareKind.Gt, 0.0).Cast(r.Dtype).BinaryScalar(BinaryKind.Mul, 1.0 - slope, false).BinaryScalar(BinaryKind.Add, slope, false))) x
    /// x for x > 0, alpha * (e^x - 1) otherwise.
    let elu (alpha: float) (x: Tensor) : Tensor =
        // PyTorch's elu_backward from the input: d * alpha * exp(x) where x <= 0, d elsewhere (exp(x) itself,
        // not the output + alpha, which would lose the bits expm1 kept).
        let rule (d: Tensor) (x: Tensor) =
            let e = Tensor.OfRaw(x.Raw.Unary UnaryKind.Exp)
            perElement d [| x; e |]
                (fun d x e -> if x <= 0.0f then d * float32 alpha * e else d)
                (fun d x e -> if x <= 0.0 then d * alpha * e else d)
                (fun () -> Tensor.Where(x.Detach().CompareScalar(CompareKind.Gt, 0.0), d, d * alpha * exp x))
        Tensor.ApplyUnary({ new UnaryOp("EluBackward0") with
            member _.Forward r = r.UnaryParam(ParamUnaryKind.Elu, alpha)
            member _.Jvp(x, dx, _) = rule dx x
            member _.Vjp(x, _, g) = rule g x }, input "elu" x)
    /// log(1 + e^x), linear above 20 like PyTorch's default threshold.
    let softplus (x: Tensor) : Tensor =
        // PyTorch's softplus_backward: z = exp(x); d where x > 20, else d * z / (z + 1) in that order.
        let rule (d: Tensor) (x: Tensor) =
            let z =
                let r = x.Raw
                if r.Dtype = Dtype.Float32 && (r.Backend :? ManagedBackend) then
                    // Its exp is SLEEF's on full vectors and glibc's on the tail (not torch.exp's all-SLEEF map).
                    let xs = r.ToFloat32Array()
                    let zs = Array.zeroCreate xs.Length
                    Fluxion.Kernels.SleefMath.softplusExp32 (ReadOnlySpan xs) (Span zs)
                    Tensor.OfRaw(r.Backend.OfFloat32(zs, r.Shape))
                else Tensor.OfRaw(r.Unary UnaryKind.Exp)
            perElement d [| x; z |]
                (fun d x z -> if x > 20.0f then d else d * z / (z + 1.0f))
                (fun d x z -> if x > 20.0 then d else d * z / (z + 1.0))
                (fun () -> Tensor.Where(x.Detach().CompareScalar(CompareKind.Gt, 20.0), d, d * sigmoid x))
        Tensor.ApplyUnary({ new UnaryOp("SoftplusBackward0") with
            member _.Forward r = r.Unary UnaryKind.Softplus
            member _.Jvp(x, dx, _) = rule dx x
            member _.Vjp(x, _, g) = rule g x }, input "softplus" x)
    /// The error function.
    let erf x = unary "ErfBackward0" (k UnaryKind.Erf) (fun x _ -> 2.0 / Math.Sqrt Math.PI * exp (-(x * x))) x
    /// Gaussian error linear unit x * Φ(x) (exact, PyTorch's default).
    let gelu (x: Tensor) : Tensor =
        let x = input "gelu" x
        let composite (x: Tensor) = x * 0.5 * (1.0 + erf (x * (1.0 / Math.Sqrt 2.0)))
        if x.Dtype <> Dtype.Float32 || not (x.Raw.Backend :? ManagedBackend) then composite x
        else
            // PyTorch 1.13's CPU build runs float32 gelu and gelu_backward through oneDNN's gelu_erf (contiguous
            // input): its value and derivative·dy, element by element.
            let rule (d: Tensor) (x: Tensor) =
                perElement d [| x |]
                    (fun d x _ -> Fluxion.Kernels.OneDnnEltwise.geluErfDerivative x * d)
                    (fun d x _ -> d * (0.5 * (1.0 + Special.erf (x / Math.Sqrt 2.0)) + x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2.0 * Math.PI)))
                    (fun () -> d * (0.5 * (1.0 + erf (x * (1.0 / Math.Sqrt 2.0))) + x * exp (x * x * -0.5) * (1.0 / Math.Sqrt(2.0 * Math.PI))))
            Tensor.ApplyUnary({ new UnaryOp("GeluBackward0") with
                member _.Forward r = r.Backend.OfFloat32(Array.map Fluxion.Kernels.OneDnnEltwise.geluErf (r.ToFloat32Array()), r.Shape)
                member _.Jvp(x, dx, _) = rule dx x
                member _.Vjp(x, _, g) = rule g x }, x)
    /// log(1 + x).
    let log1p (x: Tensor) : Tensor =
        // PyTorch: grad / (x + 1), one division.
        Tensor.ApplyUnary({ new UnaryOp("Log1PBackward0") with
            member _.Forward r = r.Unary UnaryKind.Log1p
            member _.Jvp(x, dx, _) = dx / (x + 1.0)
            member _.Vjp(x, _, g) = g / (x + 1.0) }, input "log1p" x)
    /// e^x - 1.
    let expm1 x = unary "Expm1Backward0" (k UnaryKind.Expm1) (fun _ y -> y + 1.0) x
    /// x².
    let square x = unary "PowBackward0" (k UnaryKind.Square) (fun x _ -> x * 2.0) x
    /// 1 / x.
    let reciprocal x = unary "ReciprocalBackward0" (k UnaryKind.Reciprocal) (fun _ y -> -(y * y)) x
    /// Rounding down; zero derivative.
    let floor x = unary "FloorBackward0" (k UnaryKind.Floor) (fun x _ -> x.ZerosLike()) x
    /// Rounding up; zero derivative.
    let ceil x = unary "CeilBackward0" (k UnaryKind.Ceil) (fun x _ -> x.ZerosLike()) x
    /// Rounding half to even; zero derivative.
    let round x = unary "RoundBackward0" (k UnaryKind.Round) (fun x _ -> x.ZerosLike()) x
    /// Hyperbolic sine.
    let rec sinh (x: Tensor) : Tensor =
        Tensor.ApplyUnary({ new UnaryOp("SinhBackward0") with
            member _.Forward r = r.Unary UnaryKind.Sinh
            member _.Jvp(x, dx, _) = dx * cosh x
            member _.Vjp(x, _, g) = g * cosh x }, asFloat x)
    /// Hyperbolic cosine.
    and cosh (x: Tensor) : Tensor =
        Tensor.ApplyUnary({ new UnaryOp("CoshBackward0") with
            member _.Forward r = r.Unary UnaryKind.Cosh
            member _.Jvp(x, dx, _) = dx * sinh x
            member _.Vjp(x, _, g) = g * sinh x }, asFloat x)
    /// Arc tangent.
    let atan (x: Tensor) : Tensor =
        // PyTorch: grad / (x*x + 1), one division.
        Tensor.ApplyUnary({ new UnaryOp("AtanBackward0") with
            member _.Forward r = r.Unary UnaryKind.Atan
            member _.Jvp(x, dx, _) = dx / (x * x + 1.0)
            member _.Vjp(x, _, g) = g / (x * x + 1.0) }, input "atan" x)
    /// Clamps into [lo, hi]; use NaN for no bound. The derivative is 1 inside, 0 outside.
    let clamp (lo: float) (hi: float) x =
        if not (Double.IsNaN lo) && not (Double.IsNaN hi) && lo > hi then
            invalidArg "lo" (sprintf "clamp: min %g is greater than max %g" lo hi)
        unary "ClampBackward1" (fun r -> r.Clamp(lo, hi))
            (fun x _ ->
                mask x (fun r ->
                    let inLo = if Double.IsNaN lo then r.Backend.Full(r.Shape, 1.0, Dtype.Bool) else r.CompareScalar(CompareKind.Ge, lo)
                    let inHi = if Double.IsNaN hi then r.Backend.Full(r.Shape, 1.0, Dtype.Bool) else r.CompareScalar(CompareKind.Le, hi)
                    inLo.Binary(BinaryKind.Mul, inHi).Cast r.Dtype)) x
    /// Elementwise power with a scalar exponent.
    let pow (e: float) (x: Tensor) = Tensor.Pow(x, e)

    /// Null and broadcast checks under the user-facing name (the kernel would report "binary").
    let private checkPair (op: string) (a: Tensor) (b: Tensor) =
        if isNull (box a) then raise (ArgumentNullException("a", sprintf "%s: the first tensor is null" op))
        if isNull (box b) then raise (ArgumentNullException("b", sprintf "%s: the second tensor is null" op))
        if not (Shape.equal a.Shape b.Shape) then Shape.broadcast op a.Shape b.Shape |> ignore

    /// maximum and minimum: one rule, the winning side (`wins`) taking the gradient and ties splitting it evenly.
    let private extremum (op: string) (name: string) (kind: BinaryKind) (wins: CompareKind) (a: Tensor) (b: Tensor) =
        checkPair op a b
        let weights (a: Tensor) (b: Tensor) =
            let win = Tensor.OfRaw(a.Raw.Compare(wins, b.Raw).Cast a.Dtype)
            let eq = Tensor.OfRaw(a.Raw.Compare(CompareKind.Eq, b.Raw).Cast a.Dtype)
            win + eq * 0.5
        Tensor.ApplyBinary({ new BinaryOp(name) with
            member _.Forward(ra, rb) = ra.Binary(kind, rb)
            member _.JvpA(a, b, da, _) = da * weights a b
            member _.JvpB(a, b, db, _) = db * weights b a
            // PyTorch's forward formula: db + w * (da - db), with w the weight of a.
            override _.JvpBoth(a, b, da, db, _) = db + weights a b * (da - db)
            member _.VjpA(a, b, _, g) = g * weights a b
            member _.VjpB(a, b, _, g) = g * weights b a }, a, b)

    /// Elementwise maximum of two tensors with broadcasting (ties split the gradient evenly).
    let maximum (a: Tensor) (b: Tensor) = extremum "maximum" "MaximumBackward0" BinaryKind.Max CompareKind.Gt a b

    /// Elementwise minimum of two tensors with broadcasting (ties split the gradient evenly).
    let minimum (a: Tensor) (b: Tensor) = extremum "minimum" "MinimumBackward0" BinaryKind.Min CompareKind.Lt a b

    /// Arc sine.
    let asin x = unary "AsinBackward0" (k UnaryKind.Asin) (fun x _ -> 1.0 / sqrt (1.0 - x * x)) x
    /// Arc cosine.
    let acos x = unary "AcosBackward0" (k UnaryKind.Acos) (fun x _ -> -1.0 / sqrt (1.0 - x * x)) x
    /// Rounding toward zero; zero derivative.
    let trunc x = unary "TruncBackward0" (k UnaryKind.Trunc) (fun x _ -> x.ZerosLike()) x

    /// The angle of the point (b, a): atan(a / b) in the right quadrant (PyTorch's `atan2(input, other)`).
    let atan2 (a: Tensor) (b: Tensor) =
        // d/da = b / (a² + b²), d/db = -a / (a² + b²). PyTorch's backward multiplies by the reciprocal of
        // a² + b², its forward formula divides (b·da - a·db) by it.
        let denom (a: Tensor) (b: Tensor) = a * a + b * b
        let recip (a: Tensor) (b: Tensor) = reciprocal (denom a b)
        Tensor.ApplyBinary({ new BinaryOp("Atan2Backward0") with
            member _.Forward(ra, rb) = ra.Binary(BinaryKind.Atan2, rb)
            member _.JvpA(a, b, da, _) = b * da / denom a b
            member _.JvpB(a, b, db, _) = -(a * db) / denom a b
            override _.JvpBoth(a, b, da, db, _) = (b * da - a * db) / denom a b
            member _.VjpA(a, b, _, g) = g * b * recip a b
            member _.VjpB(a, b, _, g) = g * -a * recip a b }, asFloat a, asFloat b)
