/// PyTorch CPU optimizer arithmetic (single-tensor path): elementwise primitives and in-place steps on arrays.
module Fluxion.Kernels.OptimKernels

// The vector paths read pinned arrays through native pointers; every index stays below the checked length.
#nowarn "9"

open System
open System.Runtime.Intrinsics
open System.Runtime.Intrinsics.X86
open Microsoft.FSharp.NativeInterop

// ---------------------------------------------------------------- hyper-parameters and state

/// SGD hyper-parameters (PyTorch names; doubles, as Python holds them).
type SgdHyper =
    { Lr: float; Momentum: float; Dampening: float; WeightDecay: float; Nesterov: bool; Maximize: bool }
    /// torch.optim.SGD defaults for a given learning rate.
    static member Default(lr: float) =
        { Lr = lr; Momentum = 0.0; Dampening = 0.0; WeightDecay = 0.0; Nesterov = false; Maximize = false }

/// SGD per-tensor state: the momentum buffer, filled by a copy of the direction on the first step.
type SgdState<'T> =
    { MomentumBuffer: 'T[]; mutable HasBuffer: bool }
    /// Fresh state for a parameter of n elements.
    static member Create(n: int) : SgdState<'T> = { MomentumBuffer = Array.zeroCreate n; HasBuffer = false }

/// Adam/AdamW hyper-parameters; Torch2x selects the 2.x first-moment formula (lerp) and bc2**0.5.
type AdamHyper =
    { Lr: float; Beta1: float; Beta2: float; Eps: float; WeightDecay: float; Amsgrad: bool; Maximize: bool; Torch2x: bool }
    /// torch.optim.Adam defaults (lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0).
    static member Adam = { Lr = 1e-3; Beta1 = 0.9; Beta2 = 0.999; Eps = 1e-8; WeightDecay = 0.0; Amsgrad = false; Maximize = false; Torch2x = false }
    /// torch.optim.AdamW defaults (as Adam but weight_decay 1e-2).
    static member AdamW = { AdamHyper.Adam with WeightDecay = 1e-2 }

/// Adam/AdamW per-tensor state; Step is the float step counter PyTorch keeps.
type AdamState<'T> =
    { ExpAvg: 'T[]; ExpAvgSq: 'T[]; MaxExpAvgSq: 'T[]; mutable Step: float }
    /// Fresh (all-zero) state for a parameter of n elements.
    static member Create(n: int) : AdamState<'T> =
        { ExpAvg = Array.zeroCreate n; ExpAvgSq = Array.zeroCreate n; MaxExpAvgSq = Array.zeroCreate n; Step = 0.0 }

/// RMSprop hyper-parameters; Torch2x selects the 2.x centered average formula (lerp).
type RmspropHyper =
    { Lr: float; Alpha: float; Eps: float; WeightDecay: float; Momentum: float; Centered: bool; Maximize: bool; Torch2x: bool }
    /// torch.optim.RMSprop defaults (lr 1e-2, alpha 0.99, eps 1e-8).
    static member Default = { Lr = 1e-2; Alpha = 0.99; Eps = 1e-8; WeightDecay = 0.0; Momentum = 0.0; Centered = false; Maximize = false; Torch2x = false }

/// RMSprop per-tensor state.
type RmspropState<'T> =
    { SquareAvg: 'T[]; MomentumBuffer: 'T[]; GradAvg: 'T[]; mutable Step: float }
    /// Fresh (all-zero) state for a parameter of n elements.
    static member Create(n: int) : RmspropState<'T> =
        { SquareAvg = Array.zeroCreate n; MomentumBuffer = Array.zeroCreate n; GradAvg = Array.zeroCreate n; Step = 0.0 }

/// Adagrad hyper-parameters.
type AdagradHyper =
    { Lr: float; LrDecay: float; WeightDecay: float; InitialAccumulatorValue: float; Eps: float; Maximize: bool }
    /// torch.optim.Adagrad defaults (lr 1e-2, eps 1e-10).
    static member Default = { Lr = 1e-2; LrDecay = 0.0; WeightDecay = 0.0; InitialAccumulatorValue = 0.0; Eps = 1e-10; Maximize = false }

/// Adagrad per-tensor state: the running sum starts at the initial accumulator value (use create32/create64).
type AdagradState<'T> = { Sum: 'T[]; mutable Step: float }

/// Fresh float32 Adagrad state (sum = f32 initialAccumulatorValue).
let adagradState32 (n: int) (hp: AdagradHyper) : AdagradState<float32> =
    { Sum = Array.create n (float32 hp.InitialAccumulatorValue); Step = 0.0 }

/// Fresh float64 Adagrad state.
let adagradState64 (n: int) (hp: AdagradHyper) : AdagradState<float> =
    { Sum = Array.create n hp.InitialAccumulatorValue; Step = 0.0 }

// ---------------------------------------------------------------- scalar forms of the tensor primitives

let inline private fma32 (a: float32) (b: float32) (c: float32) = MathF.FusedMultiplyAdd(a, b, c)
let inline private fma64 (a: float) (b: float) (c: float) = Math.FusedMultiplyAdd(a, b, c)
// x.lerp(e, w) in ATen: weight < 0.5 in magnitude uses the start point, else the end point, both fused.
let inline private lerpS32 (x: float32) (e: float32) (w: float32) =
    if MathF.Abs w < 0.5f then fma32 w (e - x) x else fma32 (-(e - x)) (1.0f - w) e
let inline private lerpS64 (x: float) (e: float) (w: float) =
    if Math.Abs w < 0.5 then fma64 w (e - x) x else fma64 (-(e - x)) (1.0 - w) e

let private checkLen (fn: string) (name: string) (expected: int) (actual: int) =
    if expected <> actual then
        invalidArg name (sprintf "%s: %s has length %d but the parameter has %d elements" fn name actual expected)

// ---------------------------------------------------------------- array primitives (in place on x)

/// x <- x.add(y, alpha) = fma(f32 alpha, y, x).
let addAlpha32 (x: float32[]) (y: float32[]) (alpha: float) : unit =
    checkLen "OptimKernels.addAlpha32" "y" x.Length y.Length
    let a = float32 alpha
    for i in 0 .. x.Length - 1 do x[i] <- fma32 a y[i] x[i]

/// x <- x.add(y, alpha) = fma(alpha, y, x).
let addAlpha64 (x: float[]) (y: float[]) (alpha: float) : unit =
    checkLen "OptimKernels.addAlpha64" "y" x.Length y.Length
    for i in 0 .. x.Length - 1 do x[i] <- fma64 alpha y[i] x[i]

/// x <- x * f32 s.
let mulScalar32 (x: float32[]) (s: float) : unit =
    let s = float32 s
    for i in 0 .. x.Length - 1 do x[i] <- x[i] * s

/// x <- x * s.
let mulScalar64 (x: float[]) (s: float) : unit =
    for i in 0 .. x.Length - 1 do x[i] <- x[i] * s

/// x <- x.addcmul(t1, t2, value) = fma(f32(value) * t1, t2, x).
let addcmul32 (x: float32[]) (t1: float32[]) (t2: float32[]) (value: float) : unit =
    checkLen "OptimKernels.addcmul32" "t1" x.Length t1.Length
    checkLen "OptimKernels.addcmul32" "t2" x.Length t2.Length
    let v = float32 value
    for i in 0 .. x.Length - 1 do x[i] <- fma32 (v * t1[i]) t2[i] x[i]

/// x <- x.addcmul(t1, t2, value) = fma(value * t1, t2, x).
let addcmul64 (x: float[]) (t1: float[]) (t2: float[]) (value: float) : unit =
    checkLen "OptimKernels.addcmul64" "t1" x.Length t1.Length
    checkLen "OptimKernels.addcmul64" "t2" x.Length t2.Length
    for i in 0 .. x.Length - 1 do x[i] <- fma64 (value * t1[i]) t2[i] x[i]

/// x <- x.addcdiv(t1, t2, value) = x + (f32(value) * t1) / t2.
let addcdiv32 (x: float32[]) (t1: float32[]) (t2: float32[]) (value: float) : unit =
    checkLen "OptimKernels.addcdiv32" "t1" x.Length t1.Length
    checkLen "OptimKernels.addcdiv32" "t2" x.Length t2.Length
    let v = float32 value
    for i in 0 .. x.Length - 1 do x[i] <- x[i] + (v * t1[i]) / t2[i]

/// x <- x.addcdiv(t1, t2, value) = x + (value * t1) / t2.
let addcdiv64 (x: float[]) (t1: float[]) (t2: float[]) (value: float) : unit =
    checkLen "OptimKernels.addcdiv64" "t1" x.Length t1.Length
    checkLen "OptimKernels.addcdiv64" "t2" x.Length t2.Length
    for i in 0 .. x.Length - 1 do x[i] <- x[i] + (value * t1[i]) / t2[i]

/// x <- x.lerp(e, f32 w) with ATen's two-sided fused formula.
let lerp32 (x: float32[]) (e: float32[]) (w: float) : unit =
    checkLen "OptimKernels.lerp32" "e" x.Length e.Length
    let w = float32 w
    for i in 0 .. x.Length - 1 do x[i] <- lerpS32 x[i] e[i] w

/// x <- x.lerp(e, w) with ATen's two-sided fused formula.
let lerp64 (x: float[]) (e: float[]) (w: float) : unit =
    checkLen "OptimKernels.lerp64" "e" x.Length e.Length
    for i in 0 .. x.Length - 1 do x[i] <- lerpS64 x[i] e[i] w

/// x <- sqrt x (correctly rounded).
let sqrt32 (x: float32[]) : unit =
    for i in 0 .. x.Length - 1 do x[i] <- MathF.Sqrt x[i]

/// x <- sqrt x (correctly rounded).
let sqrt64 (x: float[]) : unit =
    for i in 0 .. x.Length - 1 do x[i] <- Math.Sqrt x[i]

// ---------------------------------------------------------------- optimizer steps
// Every tensor op of the PyTorch update is elementwise, so running the whole chain per element reproduces the
// tensor-at-a-time result exactly. The generic cores take the dtype's cast, fma, sqrt and lerp. Lane-wise vector
// add, multiply, divide, sqrt and fma round exactly as their scalar forms, so the float32 vector paths below give
// the scalar loop's bits; they return how many leading elements they did (whole 8-lane vectors).

/// Lanes of the float32 vector paths (AVX2 with FMA), 0 when they cannot run.
let private lanes32 = if Fma.IsSupported && Avx.IsSupported then Vector256<float32>.Count else 0

/// The Adam chain of adamCore on 8 lanes at a time (the same branches, taken once per vector).
let private adamVector32 (decoupled: bool) (p: float32[]) (g: float32[]) (st: AdamState<float32>) (hp: AdamHyper)
                         (decay: float32) (wd: float32) (b1: float32) (omb1: float32) (b2: float32) (omb2: float32)
                         (negStep: float32) (bc2Sqrt: float32) (eps: float32) : int =
    if lanes32 = 0 then 0
    else
    let n = p.Length - p.Length % lanes32
    let signBit = Vector256.Create -0.0f
    let vdecay = Vector256.Create decay
    let vwd = Vector256.Create wd
    let vb1 = Vector256.Create b1
    let vomb1 = Vector256.Create omb1
    let vomb2 = Vector256.Create omb2
    let vb2 = Vector256.Create b2
    let vstep = Vector256.Create negStep
    let vbc2 = Vector256.Create bc2Sqrt
    let veps = Vector256.Create eps
    // lerp's branch depends on the weight only: one side for the whole tensor.
    let lerpLow = MathF.Abs omb1 < 0.5f
    let vomw = Vector256.Create(1.0f - omb1)
    use pp = fixed p
    use gp = fixed g
    use mp = fixed st.ExpAvg
    use vp = fixed st.ExpAvgSq
    // Without amsgrad the max buffer is not read: point at v.
    use xp = fixed (if hp.Amsgrad then st.MaxExpAvgSq else st.ExpAvgSq)
    let mutable i = 0
    while i < n do
        let mutable gi = Avx.LoadVector256(NativePtr.add gp i)
        if hp.Maximize then gi <- Avx.Xor(gi, signBit)
        let mutable pv = Avx.LoadVector256(NativePtr.add pp i)
        if decoupled then pv <- Avx.Multiply(pv, vdecay)
        elif hp.WeightDecay <> 0.0 then gi <- Fma.MultiplyAdd(vwd, pv, gi)
        let m0 = Avx.LoadVector256(NativePtr.add mp i)
        let m =
            if hp.Torch2x then
                let diff = Avx.Subtract(gi, m0)
                if lerpLow then Fma.MultiplyAdd(vomb1, diff, m0)
                else Fma.MultiplyAdd(Avx.Xor(diff, signBit), vomw, gi)
            else Fma.MultiplyAdd(vomb1, gi, Avx.Multiply(m0, vb1))
        Avx.Store(NativePtr.add mp i, m)
        let v = Fma.MultiplyAdd(Avx.Multiply(vomb2, gi), gi, Avx.Multiply(Avx.LoadVector256(NativePtr.add vp i), vb2))
        Avx.Store(NativePtr.add vp i, v)
        let vv =
            if hp.Amsgrad then
                let mx0 = Avx.LoadVector256(NativePtr.add xp i)
                // vmax where vmax >= v or vmax is NaN, else v.
                let keep = Avx.Or(Avx.Compare(mx0, v, FloatComparisonMode.OrderedGreaterThanOrEqualNonSignaling),
                                  Avx.Compare(mx0, mx0, FloatComparisonMode.UnorderedNonSignaling))
                let mx = Avx.BlendVariable(v, mx0, keep)
                Avx.Store(NativePtr.add xp i, mx)
                mx
            else v
        let den = Avx.Add(Avx.Divide(Avx.Sqrt vv, vbc2), veps)
        Avx.Store(NativePtr.add pp i, Avx.Add(pv, Avx.Divide(Avx.Multiply(vstep, m), den)))
        i <- i + lanes32
    n

/// The SGD chain of sgdCore on 8 lanes at a time.
let private sgdVector32 (p: float32[]) (g: float32[]) (buf: float32[]) (first: bool) (hp: SgdHyper)
                        (wd: float32) (mom: float32) (damp: float32) (negLr: float32) : int =
    if lanes32 = 0 then 0
    else
    let n = p.Length - p.Length % lanes32
    let useMomentum = hp.Momentum <> 0.0
    let vwd = Vector256.Create wd
    let vmom = Vector256.Create mom
    let vdamp = Vector256.Create damp
    let vlr = Vector256.Create negLr
    let signBit = Vector256.Create -0.0f
    use pp = fixed p
    use gp = fixed g
    // Without momentum the buffer is empty: point at p (never read or written then).
    use bp = fixed (if useMomentum then buf else p)
    let mutable i = 0
    while i < n do
        let mutable d = Avx.LoadVector256(NativePtr.add gp i)
        if hp.Maximize then d <- Avx.Xor(d, signBit)
        let pv = Avx.LoadVector256(NativePtr.add pp i)
        if hp.WeightDecay <> 0.0 then d <- Fma.MultiplyAdd(vwd, pv, d)
        if useMomentum then
            let b = if first then d else Fma.MultiplyAdd(vdamp, d, Avx.Multiply(Avx.LoadVector256(NativePtr.add bp i), vmom))
            Avx.Store(NativePtr.add bp i, b)
            d <- if hp.Nesterov then Fma.MultiplyAdd(vmom, b, d) else b
        Avx.Store(NativePtr.add pp i, Fma.MultiplyAdd(vlr, d, pv))
        i <- i + lanes32
    n

let inline private sgdCore (fn: string) (cast: float -> 'T) ([<InlineIfLambda>] fma: 'T -> 'T -> 'T -> 'T)
                           ([<InlineIfLambda>] vector: 'T -> 'T -> 'T -> 'T -> int) (p: 'T[]) (g: 'T[]) (buf: 'T[]) (hasBuffer: bool) (hp: SgdHyper) =
    checkLen fn "g" p.Length g.Length
    let useMomentum = hp.Momentum <> 0.0
    if useMomentum then checkLen fn "state.MomentumBuffer" p.Length buf.Length
    let wd = cast hp.WeightDecay
    let mom = cast hp.Momentum
    let damp = cast (1.0 - hp.Dampening)
    let negLr = cast (-hp.Lr)
    let first = not hasBuffer
    // The vector path covers a prefix (whole vectors), the scalar loop the rest, with the same operations.
    let start = vector wd mom damp negLr
    for i in start .. p.Length - 1 do
        let mutable d = if hp.Maximize then -g[i] else g[i]
        if hp.WeightDecay <> 0.0 then d <- fma wd p[i] d
        if useMomentum then
            let b = if first then d else fma damp d (buf[i] * mom)
            buf[i] <- b
            d <- if hp.Nesterov then fma mom b d else b
        p[i] <- fma negLr d p[i]

/// One torch.optim.SGD step (1.13 = 2.x) on a float32 parameter, in place.
let sgdStep32 (p: float32[]) (g: float32[]) (state: SgdState<float32>) (hp: SgdHyper) : unit =
    sgdCore "OptimKernels.sgdStep32" float32 fma32 (fun wd mom damp lr -> sgdVector32 p g state.MomentumBuffer (not state.HasBuffer) hp wd mom damp lr) p g state.MomentumBuffer state.HasBuffer hp
    if hp.Momentum <> 0.0 then state.HasBuffer <- true

/// One torch.optim.SGD step on a float64 parameter, in place.
let sgdStep64 (p: float[]) (g: float[]) (state: SgdState<float>) (hp: SgdHyper) : unit =
    sgdCore "OptimKernels.sgdStep64" id fma64 (fun _ _ _ _ -> 0) p g state.MomentumBuffer state.HasBuffer hp
    if hp.Momentum <> 0.0 then state.HasBuffer <- true

/// `sgdStep32` on a momentum buffer given as an array (empty without momentum) and whether it holds a direction
/// yet: the in-place optimizer path, which then needs no state record per step.
let sgdStepBuffer32 (p: float32[]) (g: float32[]) (momentumBuffer: float32[]) (hasBuffer: bool) (hp: SgdHyper) : unit =
    sgdCore "OptimKernels.sgdStep32" float32 fma32 (fun wd mom damp lr -> sgdVector32 p g momentumBuffer (not hasBuffer) hp wd mom damp lr) p g momentumBuffer hasBuffer hp

/// `sgdStep64` on a momentum buffer given as an array (empty without momentum) and whether it holds a direction yet.
let sgdStepBuffer64 (p: float[]) (g: float[]) (momentumBuffer: float[]) (hasBuffer: bool) (hp: SgdHyper) : unit =
    sgdCore "OptimKernels.sgdStep64" id fma64 (fun _ _ _ _ -> 0) p g momentumBuffer hasBuffer hp

let inline private adamCore (fn: string) (decoupled: bool) (cast: float -> 'T) ([<InlineIfLambda>] fma: 'T -> 'T -> 'T -> 'T)
                            ([<InlineIfLambda>] sqrt: 'T -> 'T) ([<InlineIfLambda>] lerp: 'T -> 'T -> 'T -> 'T)
                            ([<InlineIfLambda>] vector: 'T -> 'T -> 'T -> 'T -> 'T -> 'T -> 'T -> 'T -> 'T -> int)
                            (p: 'T[]) (g: 'T[]) (st: AdamState<'T>) (hp: AdamHyper) =
    checkLen fn "g" p.Length g.Length
    checkLen fn "state.ExpAvg" p.Length st.ExpAvg.Length
    checkLen fn "state.ExpAvgSq" p.Length st.ExpAvgSq.Length
    if hp.Amsgrad then checkLen fn "state.MaxExpAvgSq" p.Length st.MaxExpAvgSq.Length
    st.Step <- st.Step + 1.0
    let t = st.Step
    let decay = cast (1.0 - hp.Lr * hp.WeightDecay)
    let wd = cast hp.WeightDecay
    let b1 = cast hp.Beta1
    let omb1 = cast (1.0 - hp.Beta1)
    let b2 = cast hp.Beta2
    let omb2 = cast (1.0 - hp.Beta2)
    let bc1 = 1.0 - Math.Pow(hp.Beta1, t)
    let bc2 = 1.0 - Math.Pow(hp.Beta2, t)
    let negStep = cast (-(hp.Lr / bc1))
    let bc2Sqrt = cast (if hp.Torch2x then Math.Pow(bc2, 0.5) else Math.Sqrt bc2)
    let eps = cast hp.Eps
    let m = st.ExpAvg
    let v = st.ExpAvgSq
    let vmax = st.MaxExpAvgSq
    let start = vector decay wd b1 omb1 b2 omb2 negStep bc2Sqrt eps
    for i in start .. p.Length - 1 do
        let mutable gi = if hp.Maximize then -g[i] else g[i]
        if decoupled then p[i] <- p[i] * decay
        elif hp.WeightDecay <> 0.0 then gi <- fma wd p[i] gi
        m[i] <- if hp.Torch2x then lerp m[i] gi omb1 else fma omb1 gi (m[i] * b1)
        v[i] <- fma (omb2 * gi) gi (v[i] * b2)
        let vv =
            if hp.Amsgrad then
                let mx = if vmax[i] >= v[i] || Double.IsNaN(float vmax[i]) then vmax[i] else v[i]
                vmax[i] <- mx
                mx
            else v[i]
        let den = sqrt vv / bc2Sqrt + eps
        p[i] <- p[i] + (negStep * m[i]) / den

/// One torch.optim.Adam step on a float32 parameter, in place (1.13 formulas, or 2.x with hp.Torch2x).
let adamStep32 (p: float32[]) (g: float32[]) (state: AdamState<float32>) (hp: AdamHyper) : unit =
    adamCore "OptimKernels.adamStep32" false float32 fma32 MathF.Sqrt lerpS32 (fun dc wd b1 o1 b2 o2 st bc eps -> adamVector32 false p g state hp dc wd b1 o1 b2 o2 st bc eps) p g state hp

/// One torch.optim.Adam step on a float64 parameter, in place.
let adamStep64 (p: float[]) (g: float[]) (state: AdamState<float>) (hp: AdamHyper) : unit =
    adamCore "OptimKernels.adamStep64" false id fma64 Math.Sqrt lerpS64 (fun _ _ _ _ _ _ _ _ _ -> 0) p g state hp

/// One torch.optim.AdamW step (p *= f32(1 - lr*wd), then Adam without gradient decay) on float32, in place.
let adamWStep32 (p: float32[]) (g: float32[]) (state: AdamState<float32>) (hp: AdamHyper) : unit =
    adamCore "OptimKernels.adamWStep32" true float32 fma32 MathF.Sqrt lerpS32 (fun dc wd b1 o1 b2 o2 st bc eps -> adamVector32 true p g state hp dc wd b1 o1 b2 o2 st bc eps) p g state hp

/// One torch.optim.AdamW step on a float64 parameter, in place.
let adamWStep64 (p: float[]) (g: float[]) (state: AdamState<float>) (hp: AdamHyper) : unit =
    adamCore "OptimKernels.adamWStep64" true id fma64 Math.Sqrt lerpS64 (fun _ _ _ _ _ _ _ _ _ -> 0) p g state hp

let inline private rmspropCore (fn: string) (cast: float -> 'T) ([<InlineIfLambda>] fma: 'T -> 'T -> 'T -> 'T)
                               ([<InlineIfLambda>] sqrt: 'T -> 'T) ([<InlineIfLambda>] lerp: 'T -> 'T -> 'T -> 'T)
                               (p: 'T[]) (g: 'T[]) (st: RmspropState<'T>) (hp: RmspropHyper) =
    checkLen fn "g" p.Length g.Length
    checkLen fn "state.SquareAvg" p.Length st.SquareAvg.Length
    if hp.Centered then checkLen fn "state.GradAvg" p.Length st.GradAvg.Length
    if hp.Momentum > 0.0 then checkLen fn "state.MomentumBuffer" p.Length st.MomentumBuffer.Length
    st.Step <- st.Step + 1.0
    let wd = cast hp.WeightDecay
    let alpha = cast hp.Alpha
    let oma = cast (1.0 - hp.Alpha)
    let eps = cast hp.Eps
    let mom = cast hp.Momentum
    let negLr = cast (-hp.Lr)
    let minusOne = cast (-1.0)
    let one = cast 1.0
    let s = st.SquareAvg
    let ga = st.GradAvg
    let buf = st.MomentumBuffer
    for i in 0 .. p.Length - 1 do
        let mutable gi = if hp.Maximize then -g[i] else g[i]
        if hp.WeightDecay <> 0.0 then gi <- fma wd p[i] gi
        s[i] <- fma (oma * gi) gi (s[i] * alpha)
        let avg =
            if hp.Centered then
                ga[i] <- if hp.Torch2x then lerp ga[i] gi oma else fma oma gi (ga[i] * alpha)
                sqrt (fma (minusOne * ga[i]) ga[i] s[i]) + eps
            else sqrt s[i] + eps
        if hp.Momentum > 0.0 then
            buf[i] <- buf[i] * mom + (one * gi) / avg
            p[i] <- fma negLr buf[i] p[i]
        else p[i] <- p[i] + (negLr * gi) / avg

/// One torch.optim.RMSprop step on a float32 parameter, in place.
let rmspropStep32 (p: float32[]) (g: float32[]) (state: RmspropState<float32>) (hp: RmspropHyper) : unit =
    rmspropCore "OptimKernels.rmspropStep32" float32 fma32 MathF.Sqrt lerpS32 p g state hp

/// One torch.optim.RMSprop step on a float64 parameter, in place.
let rmspropStep64 (p: float[]) (g: float[]) (state: RmspropState<float>) (hp: RmspropHyper) : unit =
    rmspropCore "OptimKernels.rmspropStep64" id fma64 Math.Sqrt lerpS64 p g state hp

let inline private adagradCore (fn: string) (cast: float -> 'T) ([<InlineIfLambda>] fma: 'T -> 'T -> 'T -> 'T)
                               ([<InlineIfLambda>] sqrt: 'T -> 'T) (p: 'T[]) (g: 'T[]) (st: AdagradState<'T>) (hp: AdagradHyper) =
    checkLen fn "g" p.Length g.Length
    checkLen fn "state.Sum" p.Length st.Sum.Length
    st.Step <- st.Step + 1.0
    let wd = cast hp.WeightDecay
    let clr = hp.Lr / (1.0 + (st.Step - 1.0) * hp.LrDecay)
    let negClr = cast (-clr)
    let eps = cast hp.Eps
    let sum = st.Sum
    for i in 0 .. p.Length - 1 do
        let mutable gi = if hp.Maximize then -g[i] else g[i]
        if hp.WeightDecay <> 0.0 then gi <- fma wd p[i] gi
        sum[i] <- fma gi gi sum[i]
        let std = sqrt sum[i] + eps
        p[i] <- p[i] + (negClr * gi) / std

/// One torch.optim.Adagrad step on a float32 parameter, in place.
let adagradStep32 (p: float32[]) (g: float32[]) (state: AdagradState<float32>) (hp: AdagradHyper) : unit =
    adagradCore "OptimKernels.adagradStep32" float32 fma32 MathF.Sqrt p g state hp

/// One torch.optim.Adagrad step on a float64 parameter, in place.
let adagradStep64 (p: float[]) (g: float[]) (state: AdagradState<float>) (hp: AdagradHyper) : unit =
    adagradCore "OptimKernels.adagradStep64" id fma64 Math.Sqrt p g state hp
