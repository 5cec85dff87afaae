namespace Fluxion.Ops

open System
open Fluxion
open Fluxion.Backend
open Fluxion.Printing

/// The FFT kernels on raw tensors: each line along the transformed dimension goes through
/// Fluxion.Kernels.PocketFft (torch 1.13's pocketfft arithmetic, in the element type), plus the complex
/// helpers (abs, angle, roll) on packed tensors.
module internal FftKernel =
    /// Sizes around dimension d: (outer, length, inner).
    let private split (shape: int[]) (d: int) (last: int) =
        let mutable outer = 1
        for i in 0 .. d - 1 do outer <- outer * shape.[i]
        let mutable inner = 1
        for i in d + 1 .. last - 1 do inner <- inner * shape.[i]
        outer, inner

    let private make (like: RawTensor) (data: float[]) (shape: int[]) =
        if like.Dtype = Dtype.Float64 then like.Backend.OfFloat64(data, shape)
        else like.Backend.OfFloat32(Array.map float32 data, shape)

    /// PyTorch's normalisation of one transform: Mode 0 none, 1 divide by n, 2 divide by √n, with n =
    /// Points. torch computes the factor in the element type (1/n or 1/sqrt(n) in float for float32), and
    /// pocketfft multiplies by it once at the end, so the factor is kept symbolic until the dtype is known.
    [<Struct>]
    type Scaling = { Mode: int; Points: int }

    let fct64 (s: Scaling) =
        match s.Mode with
        | 0 -> 1.0
        | 1 -> 1.0 / float s.Points
        | _ -> 1.0 / Math.Sqrt(float s.Points)

    let fct32 (s: Scaling) =
        match s.Mode with
        | 0 -> 1.0f
        | 1 -> 1.0f / float32 s.Points
        | _ -> 1.0f / MathF.Sqrt(float32 s.Points)

    /// Complex-to-complex along d of a packed tensor [..., n, ..., 2], scaled: pocketfft's complex transform
    /// on each line, in the element type.
    let inline private c2cRows (src: ^T[]) (outer: int) (n: int) (inner: int) (exec: ^T[] -> unit) : ^T[] =
        let dst = Array.zeroCreate src.Length
        let t = Array.zeroCreate (2 * n)
        for o in 0 .. outer - 1 do
            for i in 0 .. inner - 1 do
                for k in 0 .. n - 1 do
                    let at = ((o * n + k) * inner + i) * 2
                    t.[2 * k] <- src.[at]
                    t.[2 * k + 1] <- src.[at + 1]
                exec t
                for k in 0 .. n - 1 do
                    let at = ((o * n + k) * inner + i) * 2
                    dst.[at] <- t.[2 * k]
                    dst.[at + 1] <- t.[2 * k + 1]
        dst

    let c2c (r: RawTensor) (d: int) (inverse: bool) (s: Scaling) =
        let shape = r.Shape
        let n = shape.[d]
        let outer, inner = split shape d (shape.Length - 1)
        if r.Dtype = Dtype.Float64 then
            let f = fct64 s
            r.Backend.OfFloat64(c2cRows (r.ToDoubleArray()) outer n inner (fun t -> Fluxion.Kernels.PocketFft.cExec64 t f (not inverse)), shape)
        else
            let f = fct32 s
            r.Backend.OfFloat32(c2cRows (r.ToFloat32Array()) outer n inner (fun t -> Fluxion.Kernels.PocketFft.cExec32 t f (not inverse)), shape)

    /// Real-to-complex along d of a real tensor, keeping the n/2+1 non-redundant bins (packed output),
    /// through pocketfft's real transform as torch 1.13 calls it (halfcomplex result unpacked into pairs,
    /// zero imaginary parts for the DC bin and an even length's Nyquist bin).
    let inline private r2cRows (src: ^T[]) (outer: int) (n: int) (inner: int) (exec: ^T[] -> unit) : ^T[] =
        let bins = n / 2 + 1
        let dst = Array.zeroCreate (outer * bins * inner * 2)
        let t = Array.zeroCreate n
        for o in 0 .. outer - 1 do
            for i in 0 .. inner - 1 do
                for k in 0 .. n - 1 do
                    t.[k] <- src.[(o * n + k) * inner + i]
                exec t
                let inline at k = ((o * bins + k) * inner + i) * 2
                dst.[at 0] <- t.[0]
                let mutable j = 1
                let mutable b = 1
                while j < n - 1 do
                    dst.[at b] <- t.[j]
                    dst.[at b + 1] <- t.[j + 1]
                    j <- j + 2
                    b <- b + 1
                if j < n then dst.[at b] <- t.[j]
        dst

    /// Complex-to-real rows: the packed bins 0..n/2 in halfcomplex order (the imaginary parts of the DC bin
    /// and of an even length's Nyquist bin are not read), then pocketfft's backward real transform.
    let inline private c2rRows (src: ^T[]) (outer: int) (bins: int) (inner: int) (n: int) (exec: ^T[] -> unit) : ^T[] =
        let dst = Array.zeroCreate (outer * n * inner)
        let t = Array.zeroCreate n
        for o in 0 .. outer - 1 do
            for i in 0 .. inner - 1 do
                let inline at k = ((o * bins + k) * inner + i) * 2
                t.[0] <- src.[at 0]
                let mutable j = 1
                let mutable b = 1
                while j < n - 1 do
                    t.[j] <- src.[at b]
                    t.[j + 1] <- src.[at b + 1]
                    j <- j + 2
                    b <- b + 1
                if j < n then t.[j] <- src.[at b]
                exec t
                for k in 0 .. n - 1 do
                    dst.[(o * n + k) * inner + i] <- t.[k]
        dst

    let r2c (r: RawTensor) (d: int) (s: Scaling) =
        let shape = r.Shape
        let n = shape.[d]
        let outer, inner = split shape d shape.Length
        let outShape = Array.append (Array.copy shape) [| 2 |]
        outShape.[d] <- n / 2 + 1
        if r.Dtype = Dtype.Float64 then
            let f = fct64 s
            r.Backend.OfFloat64(r2cRows (r.ToDoubleArray()) outer n inner (fun t -> Fluxion.Kernels.PocketFft.realExec64 t f true), outShape)
        else
            let f = fct32 s
            r.Backend.OfFloat32(r2cRows (r.ToFloat32Array()) outer n inner (fun t -> Fluxion.Kernels.PocketFft.realExec32 t f true), outShape)

    /// Complex-to-real along d from n/2+1 packed bins to n real points, scaled.
    let c2r (r: RawTensor) (d: int) (n: int) (s: Scaling) =
        let shape = r.Shape
        let bins = shape.[d]
        let outer, inner = split shape d (shape.Length - 1)
        let outShape = Array.sub shape 0 (shape.Length - 1)
        outShape.[d] <- n
        if r.Dtype = Dtype.Float64 then
            let f = fct64 s
            r.Backend.OfFloat64(c2rRows (r.ToDoubleArray()) outer bins inner n (fun t -> Fluxion.Kernels.PocketFft.realExec64 t f false), outShape)
        else
            let f = fct32 s
            r.Backend.OfFloat32(c2rRows (r.ToFloat32Array()) outer bins inner n (fun t -> Fluxion.Kernels.PocketFft.realExec32 t f false), outShape)

    /// The full (two-sided) spectrum of a real signal as torch 1.13 makes it for fft of a real tensor: the
    /// onesided r2c bins, then the rest filled with the conjugates of their mirror images.
    let r2cFull (r: RawTensor) (d: int) (s: Scaling) =
        let half = r2c r d s
        let n = r.Shape.[d]
        let bins = n / 2 + 1
        let outer, inner = split r.Shape d r.Shape.Length
        let src = half.ToDoubleArray()
        let outShape = Array.append (Array.copy r.Shape) [| 2 |]
        let dst = Array.zeroCreate (outer * n * inner * 2)
        for o in 0 .. outer - 1 do
            for i in 0 .. inner - 1 do
                for k in 0 .. n - 1 do
                    let at = ((o * n + k) * inner + i) * 2
                    if k < bins then
                        let from = ((o * bins + k) * inner + i) * 2
                        dst.[at] <- src.[from]
                        dst.[at + 1] <- src.[from + 1]
                    else
                        let from = ((o * bins + (n - k)) * inner + i) * 2
                        dst.[at] <- src.[from]
                        dst.[at + 1] <- -src.[from + 1]
        make r dst outShape

    /// The conjugate of a packed tensor: every imaginary part negated (so +0 becomes -0, as in PyTorch).
    let conj (r: RawTensor) =
        let v = r.ToDoubleArray()
        for i in 0 .. v.Length / 2 - 1 do v.[2 * i + 1] <- -v.[2 * i + 1]
        make r v r.Shape

    /// |z| of a packed tensor as torch 1.13's AVX2 abs kernel rounds it: sqrt(re² + im²) in the element type
    /// on full chunks (8 complex64 or 4 complex128 elements, two vectors) and std::abs (glibc hypotf, which
    /// is the double-precision sum rounded to float, or glibc's hypot) on the tail; the chunk formula overflows and
    /// underflows where torch's does.
    let abs (r: RawTensor) =
        let src = r.ToDoubleArray()
        let shape = Array.sub r.Shape 0 (r.Shape.Length - 1)
        let n = src.Length / 2
        let f64 = r.Dtype = Dtype.Float64
        let chunked = n - n % (if f64 then 4 else 8)
        let dst = Array.init n (fun i ->
            let a = src.[2 * i]
            let b = src.[2 * i + 1]
            if f64 then
                if i < chunked then Math.Sqrt(a * a + b * b) else Fluxion.Kernels.SleefMath.hypotLibm a b
            elif i < chunked then
                let a = float32 a
                let b = float32 b
                float (MathF.Sqrt(a * a + b * b))
            elif Double.IsInfinity a || Double.IsInfinity b then Double.PositiveInfinity
            else float (float32 (Math.Sqrt(a * a + b * b))))
        make r dst shape

    /// arg z = atan2(im, re) of a packed tensor as torch 1.13's AVX2 angle kernel rounds it: SLEEF's atan2 with
    /// 1-ulp bound (atan2f_u1, atan2_u1) on full chunks (8 complex64 or 4 complex128 elements, two vectors) and
    /// the C library's atan2f/atan2 (which MathF.Atan2 and Math.Atan2 call) on the tail.
    let angle (r: RawTensor) =
        let src = r.ToDoubleArray()
        let shape = Array.sub r.Shape 0 (r.Shape.Length - 1)
        let n = src.Length / 2
        let dst =
            if r.Dtype = Dtype.Float64 then
                let chunked = n - n % 4
                Array.init n (fun i ->
                    let y = src.[2 * i + 1]
                    let x = src.[2 * i]
                    if i < chunked then Fluxion.Kernels.SleefMath.atan2_u1 y x else Math.Atan2(y, x))
            else
                let chunked = n - n % 8
                Array.init n (fun i ->
                    let y = float32 src.[2 * i + 1]
                    let x = float32 src.[2 * i]
                    float (if i < chunked then Fluxion.Kernels.SleefMath.atan2f_u1 y x else MathF.Atan2(y, x)))
        make r dst shape

    /// The complex product of two packed tensors of one shape as torch 1.13's AVX2 mul kernel rounds it: on
    /// full chunks (8 complex64 or 4 complex128 elements) a·c − b·d and a·d + b·c with every product rounded; on
    /// the scalar tail c10::complex's operator* as GCC compiled it, the first product of each part fused
    /// (fma(a, c, −b·d), fma(a, d, b·c)) except for the odd last element of a complex64 tail, which is plain.
    let cmul (ra: RawTensor) (rb: RawTensor) =
        let a = ra.ToDoubleArray()
        let b = rb.ToDoubleArray()
        let n = a.Length / 2
        let f64 = ra.Dtype = Dtype.Float64
        let chunked = n - n % (if f64 then 4 else 8)
        let fusedEnd = if f64 then n else chunked + (n - chunked) / 2 * 2
        let dst = Array.zeroCreate (2 * n)
        for i in 0 .. n - 1 do
            let fused = i >= chunked && i < fusedEnd
            if f64 then
                let ar, ai, br, bi = a.[2 * i], a.[2 * i + 1], b.[2 * i], b.[2 * i + 1]
                if fused then
                    dst.[2 * i] <- Math.FusedMultiplyAdd(ar, br, -(ai * bi))
                    dst.[2 * i + 1] <- Math.FusedMultiplyAdd(ar, bi, ai * br)
                else
                    dst.[2 * i] <- ar * br - ai * bi
                    dst.[2 * i + 1] <- ar * bi + ai * br
            else
                let ar, ai, br, bi = float32 a.[2 * i], float32 a.[2 * i + 1], float32 b.[2 * i], float32 b.[2 * i + 1]
                let re, im =
                    if fused then MathF.FusedMultiplyAdd(ar, br, -(ai * bi)), MathF.FusedMultiplyAdd(ar, bi, ai * br)
                    else ar * br - ai * bi, ar * bi + ai * br
                dst.[2 * i] <- float re
                dst.[2 * i + 1] <- float im
        make ra dst ra.Shape

    /// Circular shift by `shift` along d (PyTorch's roll for one dimension).
    let roll (r: RawTensor) (shift: int) (d: int) =
        let shape = r.Shape
        let n = shape.[d]
        let s = if n = 0 then 0 else ((shift % n) + n) % n
        if s = 0 then r
        else
            let starts = Array.zeroCreate shape.Length
            let steps = Array.create shape.Length 1
            let tailLen = Array.copy shape
            tailLen.[d] <- s
            let tailStart = Array.copy starts
            tailStart.[d] <- n - s
            let headLen = Array.copy shape
            headLen.[d] <- n - s
            r.Backend.Cat([| r.Slice(tailStart, tailLen, steps); r.Slice(starts, headLen, steps) |], d)

/// The differentiable complex ops on packed tensors (value, JVP and VJP together) and complex printing.
module internal ComplexOps =
    let private isZero (t: Tensor) = t.Detach().CompareScalar(CompareKind.Eq, 0.0)

    // The conjugate of a packed tensor, differentiable.
    let private conj (t: Tensor) = Shapes.stack -1 [| t.Select(-1, 0); -t.Select(-1, 1) |]

    /// The packed complex product a·b with torch's mul rounding (FftKernel.cmul); bilinear, so its derivatives
    /// are products too.
    let rec private cmul (a: Tensor) (b: Tensor) : Tensor =
        Tensor.ApplyBinary({ new BinaryOp("MulBackward0") with
            member _.Forward(ra, rb) = FftKernel.cmul ra rb
            member _.JvpA(_, b, da, _) = cmul da b
            member _.JvpB(a, _, db, _) = cmul a db
            member _.VjpA(_, b, _, g) = cmul g (conj b)
            member _.VjpB(a, _, _, g) = cmul g (conj a) }, a, b)

    /// |z| of a packed tensor; d|z| = (re·dre + im·dim)/|z|, taken as 0 at z = 0 (PyTorch's sgn subgradient).
    /// The gradient repeats torch 1.13's `grad * self.sgn()` bit for bit: sgn is re/|z|, im/|z| on the AVX2
    /// kernel's full chunks and c10::complex division by (|z|, 0) on the tail, and the real cotangent is
    /// multiplied as the complex (g, 0).
    let abs (x: Tensor) : Tensor =
        let sgn (x: Tensor) (y: Tensor) =
            let re = x.Select(-1, 0)
            let im = x.Select(-1, 1)
            let n = y.Numel
            let chunked = n - n % (if y.Dtype = Dtype.Float64 then 4 else 8)
            let inChunk = Tensor.OfRaw(y.Raw.Backend.OfBool(Array.init n (fun i -> i < chunked), y.Shape))
            let z0 = y.ZerosLike()
            let den = y * y + z0 * z0
            let tailRe = (re * y + im * z0) / den
            let tailIm = (im * y - re * z0) / den
            let zero = isZero y
            let pick (chunk: Tensor) (tail: Tensor) = Tensor.Where(zero, z0, Tensor.Where(inChunk, chunk, tail))
            pick (re / y) tailRe, pick (im / y) tailIm
        let grad (x: Tensor) (y: Tensor) (g: Tensor) =
            let sRe, sIm = sgn x y
            let z0 = g.ZerosLike()
            Shapes.stack -1 [| g * sRe - z0 * sIm; g * sIm + z0 * sRe |]
        Tensor.ApplyUnary({ new UnaryOp("AbsBackward0") with
            member _.Forward r = FftKernel.abs r
            // torch's forward formula: the real part of conj(dz) · sgn(z), with its complex mul rounding.
            member _.Jvp(x, dx, y) =
                let sRe, sIm = sgn x y
                (cmul (conj dx) (Shapes.stack -1 [| sRe; sIm |])).Select(-1, 0)
            member _.Vjp(x, y, g) = grad x y g }, x)

    /// arg z of a packed tensor; d arg = (re·dim − im·dre)/|z|², taken as 0 at z = 0 like PyTorch.
    /// Both derivative rules repeat torch 1.13's angle_backward, where(z == 0, 0, grad · z / |z|.pow(2) · i)
    /// (forward mode: the real part of angle_backward(conj(dz), z), conjugated), with each complex op's
    /// rounding: a real cotangent enters as the complex (g, 0); the division by the real |z|² is c10::complex's
    /// (a·c + b·d)/(c·c + d·d) with d = 0, so |z|⁴ is rounded on its own; |z| is abs's chunk/tail value; the
    /// tangent's product with z is torch's complex mul. Every product with a zero imaginary part is kept, since
    /// it decides the sign of zero results.
    let angle (x: Tensor) : Tensor =
        // z as angle_backward sees it, with torch's z == 0 mask (both parts zero, either sign); masked elements
        // compute with z = 1 so that no 0/0 reaches a higher derivative, and the caller's where discards them.
        let prepare (x: Tensor) =
            let re0 = x.Select(-1, 0)
            let im0 = x.Select(-1, 1)
            let zero = isZero (Tensor.OfRaw(re0.Raw.Unary UnaryKind.Abs) + Tensor.OfRaw(im0.Raw.Unary UnaryKind.Abs))
            let re = Tensor.Where(zero, re0.OnesLike(), re0)
            let im = Tensor.Where(zero, im0.ZerosLike(), im0)
            let z = Shapes.stack -1 [| re; im |]
            let r = abs z
            let r2 = r * r
            zero, z, r2
        // (pRe, pIm) / (r2, 0) as c10::complex divides.
        let divide (pRe: Tensor) (pIm: Tensor) (r2: Tensor) (z0: Tensor) =
            let den = r2 * r2 + z0 * z0
            (pRe * r2 + pIm * z0) / den, (pIm * r2 - pRe * z0) / den
        let grad (x: Tensor) (g: Tensor) =
            let zero, z, r2 = prepare x
            let re = z.Select(-1, 0)
            let im = z.Select(-1, 1)
            let z0 = g.ZerosLike()
            let qRe, qIm = divide (g * re - z0 * im) (g * im + z0 * re) r2 z0
            // (qRe, qIm) · (0, 1); the products with 1 are exact and left out.
            Shapes.stack -1 [| Tensor.Where(zero, z0, qRe * z0 - qIm); Tensor.Where(zero, z0, qRe + qIm * z0) |]
        let tangent (x: Tensor) (dx: Tensor) =
            let zero, z, r2 = prepare x
            let p = cmul (conj dx) z
            let z0 = r2.ZerosLike()
            let qRe, qIm = divide (p.Select(-1, 0)) (p.Select(-1, 1)) r2 z0
            // The real part of (qRe, qIm) · (0, 1).
            Tensor.Where(zero, z0, qRe * z0 - qIm)
        Tensor.ApplyUnary({ new UnaryOp("AngleBackward0") with
            member _.Forward r = FftKernel.angle r
            member _.Jvp(x, dx, _) = tangent x dx
            member _.Vjp(x, _, g) = grad x g }, x)

    /// PyTorch's `_Formatter` for one part: a width and a cell function under the given print options.
    let private formatter (o: PrintOptions) (values: float[]) =
        let p = o.Precision
        let mutable intMode = true
        let mutable sci = false
        let mutable mn = Double.PositiveInfinity
        let mutable mx = 0.0
        let mutable any = false
        for v in values do
            if Double.IsFinite v && v <> 0.0 then
                any <- true
                let a = Math.Abs v
                if a < mn then mn <- a
                if a > mx then mx <- a
                if v <> Math.Ceiling v then intMode <- false
        if not any then
            // All zeros (or non-finite): PyTorch stays in integer mode.
            let cell (v: float) = if Double.IsFinite v then PyFormat.toFixed 0 v + "." else PyFormat.toFixed 0 v
            let width = values |> Array.fold (fun w v -> max w (cell v).Length) 1
            width, cell
        else
            if intMode then
                if mx / mn > 1000.0 || mx > 1.0e8 then sci <- true
            elif mx / mn > 1000.0 || mx > 1.0e8 || mn < 1.0e-4 then sci <- true
            let cellIn (sci: bool) (v: float) =
                if sci then PyFormat.toSci p v
                elif intMode then (if Double.IsFinite v then PyFormat.toFixed 0 v + "." else PyFormat.toFixed 0 v)
                else PyFormat.toFixed p v
            let mutable width = 1
            for v in values do
                if Double.IsFinite v && v <> 0.0 then width <- max width (cellIn sci v).Length
            // PyTorch measures the width in the automatic mode and only then applies a forced sci_mode.
            if o.SciMode.HasValue then sci <- o.SciMode.Value
            width, cellIn sci

    let private padLeft (w: int) (s: string) = if s.Length >= w then s else String(' ', w - s.Length) + s

    /// The bracketed body of a complex repr (after `tensor(`), laid out like PyTorch 1.13's `_tensor_str`.
    let formatBody (shape: int[]) (data: float[]) =
        let n = data.Length / 2
        let o = PrintSettings.Current
        let edge = o.EdgeItems
        let summarize = n > o.Threshold
        let kept (len: int) = if summarize && len > 2 * edge then Array.append [| 0 .. edge - 1 |] [| len - edge .. len - 1 |] else [| 0 .. len - 1 |]
        let mutable shown = [| 0 |]
        for d in 0 .. shape.Length - 1 do
            let k = kept shape.[d]
            shown <- [| for a in shown do for i in k -> a * shape.[d] + i |]
        let rw, rcell = formatter o (shown |> Array.map (fun i -> data.[2 * i]))
        let iw, icell = formatter o (shown |> Array.map (fun i -> data.[2 * i + 1]))
        let cell (i: int) =
            let realStr = padLeft rw (rcell data.[2 * i])
            let imagStr = (padLeft iw (icell data.[2 * i + 1]) + "j").TrimStart()
            if imagStr.[0] = '+' || imagStr.[0] = '-' then realStr + imagStr else realStr + "+" + imagStr
        // PyTorch's complex element is real + imag + "j"; the shared layout adds the ", " separator itself.
        TensorFormat.layout o shape summarize (rw + iw + 1) cell

namespace Fluxion

open System
open Fluxion.Backend
open Fluxion.Printing

/// A complex tensor as a real pair, since Fluxion has no complex dtype. It stores one real tensor in
/// `torch.view_as_real` layout (a trailing dimension of size 2: real, imaginary) rather than two separate
/// tensors so that every complex op (FFT, abs, angle) is a single graph node with PyTorch's grad_fn name
/// and one derivative rule; `Real` and `Imag` are differentiable views of that tensor. The gradient of a
/// real loss with respect to the pair is (∂L/∂re, ∂L/∂im), which is PyTorch's complex gradient re + i·im.
[<Sealed; AllowNullLiteral>]
type ComplexTensor(packed: Tensor) =
    do
        if isNull (box packed) then nullArg "packed"
        let s = packed.Shape
        if s.Length = 0 || s.[s.Length - 1] <> 2 || not (Dtype.isFloat packed.Dtype) then
            raise (ShapeException(sprintf "ComplexTensor: expects a float tensor whose last dimension has size 2 (view_as_real layout), got %s of shape %s" (Dtype.name packed.Dtype) (Shape.toString s)))

    /// Builds a complex tensor from equally shaped real and imaginary parts (PyTorch's `torch.complex`).
    static member Complex(real: Tensor, imag: Tensor) : ComplexTensor =
        if isNull (box real) then nullArg "real"
        if isNull (box imag) then nullArg "imag"
        if not (Shape.equal real.Shape imag.Shape) then
            raise (ShapeException(sprintf "complex: real and imaginary parts need equal shapes, got %s and %s" (Shape.toString real.Shape) (Shape.toString imag.Shape)))
        if real.Dtype <> imag.Dtype then
            invalidArg "imag" (sprintf "complex: expected both inputs to have the same dtype, got %s and %s" (Dtype.name real.Dtype) (Dtype.name imag.Dtype))
        if not (Dtype.isFloat real.Dtype) then
            invalidArg "real" (sprintf "complex: expected float32 or float64 parts, got %s" (Dtype.name real.Dtype))
        ComplexTensor(Fluxion.Ops.Shapes.stack -1 [| real; imag |])

    /// A complex tensor with zero imaginary part.
    static member OfReal(real: Tensor) : ComplexTensor = ComplexTensor.Complex(real, real.ZerosLike())

    /// The packed real tensor of shape [..., 2] (PyTorch's `torch.view_as_real`).
    member _.ViewAsReal: Tensor = packed
    /// The real part (differentiable).
    member _.Real: Tensor = packed.Select(-1, 0)
    /// The imaginary part (differentiable).
    member _.Imag: Tensor = packed.Select(-1, 1)
    /// The complex shape (without the trailing pair dimension).
    member _.ShapeArray: int[] = Array.sub packed.Shape 0 (packed.Shape.Length - 1)
    /// Number of dimensions of the complex tensor.
    member _.Dim: int = packed.Shape.Length - 1
    /// The dtype of each part (float32 for PyTorch's complex64, float64 for complex128).
    member _.PartDtype: Dtype = packed.Dtype
    /// PyTorch's dtype name: complex64 or complex128.
    member _.DtypeName: string = if packed.Dtype = Dtype.Float64 then "complex128" else "complex64"
    /// The op that made this tensor (PyTorch's grad_fn name), or null.
    member _.GradFnName: string = packed.GradFnName

    /// |z| = sqrt(re² + im²) elementwise; its gradient at 0 is 0, as in PyTorch.
    member _.Abs() : Tensor = Fluxion.Ops.ComplexOps.abs packed
    /// arg z = atan2(im, re) elementwise; its gradient at 0 is 0, as in PyTorch.
    member _.Angle() : Tensor = Fluxion.Ops.ComplexOps.angle packed
    /// The complex conjugate.
    member _.Conj() : ComplexTensor =
        let one = packed.Detach().Select(-1, 0).OnesLike()
        ComplexTensor(packed * Fluxion.Ops.Shapes.stack -1 [| one; -one |])

    /// PyTorch's complex repr, e.g. `tensor([1.+0.j, 0.-1.j])`.
    override _.ToString() =
        let data = packed.Raw.ToDoubleArray()
        let n = data.Length / 2
        let shape = Array.sub packed.Shape 0 (packed.Shape.Length - 1)
        let suffixes =
            (if packed.Dtype = Dtype.Float64 || n = 0 then [ "dtype=torch." + (if packed.Dtype = Dtype.Float64 then "complex128" else "complex64") ] else [])
            @ (match packed.GradFnName with
               | null -> if packed.RequiresGrad && packed.IsLeaf then [ "requires_grad=True" ] else []
               | g -> [ sprintf "grad_fn=<%s>" g ])
        let body =
            if n = 0 then
                "tensor([]" + (if shape.Length <> 1 then ", size=" + PyFormat.tuple shape else "")
            else "tensor(" + Fluxion.Ops.ComplexOps.formatBody shape data
        TensorFormat.addSuffixes body suffixes


namespace Fluxion.Ops

open System
open System.Runtime.InteropServices
open Fluxion
open Fluxion.Backend

/// The three differentiable transforms on packed tensors. Each is linear, so its JVP is the same transform
/// of the tangent and its VJP is the adjoint transform, written with these ops so higher orders work.
module internal FftOps =
    /// Complex DFT along d of a packed tensor; the adjoint of s·e^{∓2πijk/n} is s·e^{±2πijk/n}.
    let rec c2c (x: Tensor) (d: int) (inverse: bool) (scale: FftKernel.Scaling) : Tensor =
        Tensor.ApplyUnary({ new UnaryOp("FftC2CBackward0") with
            member _.Forward r = FftKernel.c2c r d inverse scale
            member _.Jvp(_, dx, _) = c2c dx d inverse scale
            member _.Vjp(_, _, g) = c2c g d (not inverse) scale }, x)

    /// Zero-pads or crops dimension d to length n (both differentiable).
    let padOrCrop (x: Tensor) (d: int) (n: int) =
        let len = x.Shape.[d]
        if n = len then x
        elif n < len then x.Narrow(d, 0, n)
        else
            let full = Array.copy x.Shape
            full.[d] <- n
            x.SliceScatterRaw(full, Array.zeroCreate full.Length, Array.create full.Length 1)

    /// Real-to-complex (onesided) along d. Output bin k = s·Σ_j x_j e^{-2πijk/n} for k ≤ n/2, so the adjoint
    /// of a packed gradient G is Re(s·Σ_k G_k e^{+2πijk/n}) summed over those bins only: zero-pad G to n
    /// bins and take the real part of the inverse complex DFT. DC and Nyquist need no special case there.
    let rec r2c (x: Tensor) (d: int) (scale: FftKernel.Scaling) : Tensor =
        let n = x.Shape.[d]
        Tensor.ApplyUnary({ new UnaryOp("FftR2CBackward0") with
            member _.Forward r = FftKernel.r2c r d scale
            member _.Jvp(_, dx, _) = r2c dx d scale
            member _.Vjp(_, _, g) = (c2c (padOrCrop g d n) d true scale).Select(-1, 0) }, x)

    /// The full DFT of a real signal (torch's r2c with onesided=false): its adjoint is the real part of the
    /// inverse complex DFT of the gradient (torch 1.13's fft_r2c_backward without the onesided padding).
    let rec r2cFull (x: Tensor) (d: int) (scale: FftKernel.Scaling) : Tensor =
        Tensor.ApplyUnary({ new UnaryOp("FftR2CBackward0") with
            member _.Forward r = FftKernel.r2cFull r d scale
            member _.Jvp(_, dx, _) = r2cFull dx d scale
            member _.Vjp(_, _, g) = (c2c g d true scale).Select(-1, 0) }, x)

    /// The complex conjugate as PyTorch records it for ifft of a real tensor (ConjBackward0); self-adjoint.
    let rec conj (x: Tensor) : Tensor =
        Tensor.ApplyUnary({ new UnaryOp("ConjBackward0") with
            member _.Forward r = FftKernel.conj r
            member _.Jvp(_, dx, _) = conj dx
            member _.Vjp(_, _, g) = conj g }, x)

    /// Complex-to-real along d from n/2+1 packed bins. Its value is Re(s·Σ_k w_k Y_k e^{+2πijk/n}) with
    /// w = 1 for the DC bin (and the Nyquist bin of an even n) and 2 for the bins whose mirror image lies
    /// outside the onesided range, so the adjoint is w·rfft(g): the forward real DFT of the gradient with the
    /// bins 1 .. n - (n/2+1) doubled; the imaginary parts of the DC and Nyquist bins get exactly 0.
    let rec c2r (x: Tensor) (d: int) (n: int) (scale: FftKernel.Scaling) : Tensor =
        let bins = x.Shape.[d]
        let rank = x.Dim
        Tensor.ApplyUnary({ new UnaryOp("FftC2RBackward0") with
            member _.Forward r = FftKernel.c2r r d n scale
            member _.Jvp(_, dx, _) = c2r dx d n scale
            member _.Vjp(_, _, g) =
                let w = Array.init bins (fun k -> if k >= 1 && k <= n - bins then 2.0 else 1.0)
                let shape = Array.create rank 1
                shape.[d] <- bins
                let wt = Tensor.OfRaw(g.Raw.Backend.OfFloat64(w, shape).Cast g.Dtype)
                r2c g d scale * wt }, x)

    /// The scale of a transform of n points in direction `inverse` under PyTorch's norm modes.
    let scale (norm: string) (n: int) (inverse: bool) : FftKernel.Scaling =
        match norm with
        | null | "backward" -> { Mode = (if inverse then 1 else 0); Points = n }
        | "forward" -> { Mode = (if inverse then 0 else 1); Points = n }
        | "ortho" -> { Mode = 2; Points = n }
        | _ -> invalidArg "norm" (sprintf "Invalid normalization mode: \"%s\" (expected \"backward\", \"forward\" or \"ortho\")" norm)

    /// A dimension of a (complex) tensor of `rank` dimensions, with PyTorch's message.
    let normDim (op: string) (rank: int) (dim: int) =
        if rank = 0 then
            raise (ArgumentOutOfRangeException("dim", sprintf "%s: expects a tensor with at least one dimension, got a 0-dim tensor" op))
        let d = if dim < 0 then dim + rank else dim
        if d < 0 || d >= rank then
            raise (ArgumentOutOfRangeException("dim", sprintf "%s: Dimension out of range (expected to be in range of [%d, %d], but got %d)" op (-rank) (rank - 1) dim))
        d

    /// The signal length: `n` if given, else the default; PyTorch's message when it is below 1.
    let points (op: string) (n: Nullable<int>) (fallback: int) =
        let v = if n.HasValue then n.Value else fallback
        if v < 1 then
            raise (ArgumentOutOfRangeException("n", sprintf "%s: Invalid number of data points (%d) specified" op v))
        v

/// PyTorch's `torch.fft` for one dimension over float32 and float64 tensors with any leading batch
/// dimensions; complex values are `ComplexTensor`s. `n` crops or zero-pads the input along `dim` (default
/// -1); `norm` is "backward" (default: the inverse divides by n), "forward" (the forward divides) or "ortho"
/// (both divide by √n). Every transform is differentiable in reverse and forward mode and to any order.
/// Values are torch 1.13's bit for bit: the transforms repeat its pocketfft arithmetic in the input dtype.
[<AbstractClass; Sealed>]
type Fft =
    /// The onesided DFT of a real signal, n/2+1 bins along `dim` (`torch.fft.rfft`).
    static member rfft(x: Tensor, [<Optional>] n: Nullable<int>, [<Optional; DefaultParameterValue(-1)>] dim: int, [<Optional; DefaultParameterValue("backward")>] norm: string) : ComplexTensor =
        if isNull (box x) then nullArg "x"
        let x = Elementwise.asFloat x
        let d = FftOps.normDim "rfft" x.Dim dim
        let nn = FftOps.points "rfft" n x.Shape.[d]
        let s = FftOps.scale norm nn false
        ComplexTensor(FftOps.r2c (FftOps.padOrCrop x d nn) d s)

    /// The real signal of n points (default 2·(bins−1)) whose onesided DFT is `x` (`torch.fft.irfft`).
    static member irfft(x: ComplexTensor, [<Optional>] n: Nullable<int>, [<Optional; DefaultParameterValue(-1)>] dim: int, [<Optional; DefaultParameterValue("backward")>] norm: string) : Tensor =
        if isNull x then nullArg "x"
        let p = x.ViewAsReal
        let d = FftOps.normDim "irfft" x.Dim dim
        let nn = FftOps.points "irfft" n (2 * (p.Shape.[d] - 1))
        let s = FftOps.scale norm nn true
        FftOps.c2r (FftOps.padOrCrop p d (nn / 2 + 1)) d nn s

    static member private C2C(op: string, x: ComplexTensor, n: Nullable<int>, dim: int, norm: string, inverse: bool) =
        if isNull x then nullArg "x"
        let p = x.ViewAsReal
        let d = FftOps.normDim op x.Dim dim
        let nn = FftOps.points op n p.Shape.[d]
        let s = FftOps.scale norm nn inverse
        ComplexTensor(FftOps.c2c (FftOps.padOrCrop p d nn) d inverse s)

    /// torch 1.13 transforms a real input of fft or ifft with the real FFT (r2c, onesided=false), using the
    /// inverse direction's normalisation for ifft and conjugating afterwards; the bits follow from that.
    static member private R2CFull(op: string, x: Tensor, n: Nullable<int>, dim: int, norm: string, inverse: bool) =
        let x = Elementwise.asFloat x
        let d = FftOps.normDim op x.Dim dim
        let nn = FftOps.points op n x.Shape.[d]
        FftOps.r2cFull (FftOps.padOrCrop x d nn) d (FftOps.scale norm nn inverse)

    /// The full DFT of a complex signal (`torch.fft.fft`).
    static member fft(x: ComplexTensor, [<Optional>] n: Nullable<int>, [<Optional; DefaultParameterValue(-1)>] dim: int, [<Optional; DefaultParameterValue("backward")>] norm: string) : ComplexTensor =
        Fft.C2C("fft", x, n, dim, norm, false)

    /// The full DFT of a real signal, taken as complex with zero imaginary part (`torch.fft.fft`).
    static member fft(x: Tensor, [<Optional>] n: Nullable<int>, [<Optional; DefaultParameterValue(-1)>] dim: int, [<Optional; DefaultParameterValue("backward")>] norm: string) : ComplexTensor =
        if isNull (box x) then nullArg "x"
        ComplexTensor(Fft.R2CFull("fft", x, n, dim, norm, false))

    /// The inverse DFT of a complex signal (`torch.fft.ifft`).
    static member ifft(x: ComplexTensor, [<Optional>] n: Nullable<int>, [<Optional; DefaultParameterValue(-1)>] dim: int, [<Optional; DefaultParameterValue("backward")>] norm: string) : ComplexTensor =
        Fft.C2C("ifft", x, n, dim, norm, true)

    /// The inverse DFT of a real signal, taken as complex with zero imaginary part (`torch.fft.ifft`).
    static member ifft(x: Tensor, [<Optional>] n: Nullable<int>, [<Optional; DefaultParameterValue(-1)>] dim: int, [<Optional; DefaultParameterValue("backward")>] norm: string) : ComplexTensor =
        if isNull (box x) then nullArg "x"
        ComplexTensor(FftOps.conj (Fft.R2CFull("ifft", x, n, dim, norm, true)))

/// PyTorch's `torch.roll`: circular shifts along dimensions, differentiable (the adjoint rolls back).
module Roll =
    let rec private rollPairs (pairs: struct (int * int)[]) (x: Tensor) : Tensor =
        Tensor.ApplyUnary({ new UnaryOp("RollBackward0") with
            member _.Forward r =
                let y = pairs |> Array.fold (fun (acc: RawTensor) (struct (s, d)) -> FftKernel.roll acc s d) r
                // A zero net shift must still give a new tensor: in-place updates of the result must not reach x.
                if obj.ReferenceEquals(y, r) then r.Clone() else y
            member _.Jvp(_, dx, _) = rollPairs pairs dx
            member _.Vjp(_, _, g) = rollPairs (pairs |> Array.map (fun (struct (s, d)) -> struct (-s, d))) g }, x)

    /// Rolls by `shifts.[i]` along `dims.[i]`; with no dims, rolls the flattened tensor by one shift and
    /// restores the shape (PyTorch's `torch.roll(x, shifts, dims)`).
    let roll (shifts: int[]) (dims: int[]) (x: Tensor) : Tensor =
        if isNull (box x) then nullArg "x"
        if isNull shifts then nullArg "shifts"
        let dims = if isNull dims then [||] else dims
        if dims.Length = 0 then
            if shifts.Length <> 1 then
                invalidArg "shifts" (sprintf "roll: shifts and dimensions must align. shifts: %d, dims:0" shifts.Length)
            let shape = x.Shape
            (rollPairs [| struct (shifts.[0], 0) |] (x.Reshape [| -1 |])).Reshape shape
        else
            if shifts.Length <> dims.Length then
                invalidArg "shifts" (sprintf "roll: shifts and dimensions must align. shifts: %d, dims:%d" shifts.Length dims.Length)
            let rank = max x.Dim 1
            let pairs =
                Array.map2 (fun s dim ->
                    let d = if dim < 0 then dim + rank else dim
                    if d < 0 || d >= rank then
                        raise (ArgumentOutOfRangeException("dims", sprintf "roll: Dimension out of range (expected to be in range of [%d, %d], but got %d)" (-rank) (rank - 1) dim))
                    struct (s, d)) shifts dims
            if x.Dim = 0 then rollPairs [||] x else rollPairs pairs x

    /// Rolls by `shift` along one dimension.
    let rollDim (shift: int) (dim: int) (x: Tensor) : Tensor = roll [| shift |] [| dim |] x
