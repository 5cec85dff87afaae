namespace Fluxion.Backends.Torch

open System
open Fluxion.Kernels.OptimKernels
open TorchSharp

/// torch.optim's single-tensor updates (PyTorch 1.13 order, or 2.x's where `Torch2x` says so) written with
/// libtorch's in-place kernels, so a training step on the Torch backend copies no parameter or state out of
/// libtorch. Every temporary is disposed here: steps often run outside any dispose scope.
module internal TorchOptimSteps =
    type private TT = torch.Tensor

    /// The direction with `maximize` and L2 weight decay applied; a new tensor only when one of them is set, or
    /// when `dense` asks for contiguous memory: a weight's gradient can arrive as a transposed view, and kernels
    /// that read it several times run far faster on memory laid out like the parameter's.
    let private direction (p: TT) (g: TT) (dense: bool) (maximize: bool) (weightDecay: float) : TT * bool =
        let d, owned =
            if maximize then
                if g.is_contiguous() then g.neg(), true
                else
                    use c = g.contiguous()
                    c.neg(), true
            elif dense && not (g.is_contiguous()) then g.contiguous(), true
            else g, false
        if weightDecay = 0.0 then d, owned
        else
            let r = d.add(p, weightDecay.ToScalar())
            if owned then d.Dispose()
            r, true

    let private release (t: TT) (owned: bool) = if owned then t.Dispose()

    /// lerp_ in place with a scalar weight (TorchSharp's lerp_ takes the weight as a tensor; PyTorch rounds a
    /// Python float weight to the tensor's dtype, so this does too).
    let private lerpInPlace (x: TT) (target: TT) (w: float) =
        use wt = if x.dtype = torch.ScalarType.Float32 then torch.tensor(float32 w) else torch.tensor(w)
        x.lerp_(target, wt) |> ignore

    /// SGD: d = g (+ wd·p); with momentum b = d on the first step, else b = μ·b + (1-dampening)·d, and d = b or
    /// d + μ·b (nesterov); p -= lr·d.
    let sgd (p: TT) (g: TT) (buf: TT) (hasBuffer: bool) (hp: SgdHyper) : bool =
        if hp.Momentum <> 0.0 && isNull buf then false
        else
            let d, owned = direction p g (hp.Momentum <> 0.0) hp.Maximize hp.WeightDecay
            if hp.Momentum = 0.0 then p.add_(d, (-hp.Lr).ToScalar()) |> ignore
            else
                if hasBuffer then buf.mul_(hp.Momentum.ToScalar()).add_(d, (1.0 - hp.Dampening).ToScalar()) |> ignore
                else buf.copy_(d) |> ignore
                if hp.Nesterov then
                    use n = d.add(buf, hp.Momentum.ToScalar())
                    p.add_(n, (-hp.Lr).ToScalar()) |> ignore
                else p.add_(buf, (-hp.Lr).ToScalar()) |> ignore
            release d owned
            true

    /// Adam/AdamW: m = β1·m + (1-β1)·g (2.x: lerp), v = β2·v + (1-β2)·g², p -= lr/(1-β1^t) · m / (√v̂/√(1-β2^t) + eps)
    /// with v̂ = max over steps of v under amsgrad; AdamW first scales p by 1 - lr·wd instead of decaying g.
    let adam (p: TT) (g: TT) (m: TT) (v: TT) (vmax: TT) (step: int) (decoupled: bool) (hp: AdamHyper) : bool =
        if step < 1 || isNull m || isNull v || (hp.Amsgrad && isNull vmax) then false
        else
            if decoupled && hp.WeightDecay <> 0.0 then p.mul_((1.0 - hp.Lr * hp.WeightDecay).ToScalar()) |> ignore
            let d, owned = direction p g true hp.Maximize (if decoupled then 0.0 else hp.WeightDecay)
            if hp.Torch2x then lerpInPlace m d (1.0 - hp.Beta1)
            else m.mul_(hp.Beta1.ToScalar()).add_(d, (1.0 - hp.Beta1).ToScalar()) |> ignore
            v.mul_(hp.Beta2.ToScalar()).addcmul_(d, d, (1.0 - hp.Beta2).ToScalar()) |> ignore
            release d owned
            let bc1 = 1.0 - Math.Pow(hp.Beta1, float step)
            let bc2 = 1.0 - Math.Pow(hp.Beta2, float step)
            let second =
                if hp.Amsgrad then
                    // TorchSharp has no out= form of maximum.
                    use mx = torch.maximum(vmax, v)
                    vmax.copy_(mx) |> ignore
                    vmax
                else v
            use den = second.sqrt()
            den.div_((if hp.Torch2x then Math.Pow(bc2, 0.5) else Math.Sqrt bc2).ToScalar()).add_(hp.Eps.ToScalar()) |> ignore
            p.addcdiv_(m, den, (-(hp.Lr / bc1)).ToScalar()) |> ignore
            true

    /// RMSprop: a = α·a + (1-α)·g²; centered: ḡ = α·ḡ + (1-α)·g (2.x: lerp) and avg = √(a - ḡ²) + eps, else √a + eps;
    /// with momentum b = μ·b + g/avg and p -= lr·b, else p -= lr·g/avg.
    let rmsprop (p: TT) (g: TT) (sq: TT) (buf: TT) (gavg: TT) (hp: RmspropHyper) : bool =
        if isNull sq || (hp.Momentum > 0.0 && isNull buf) || (hp.Centered && isNull gavg) then false
        else
            let d, owned = direction p g true hp.Maximize hp.WeightDecay
            sq.mul_(hp.Alpha.ToScalar()).addcmul_(d, d, (1.0 - hp.Alpha).ToScalar()) |> ignore
            use avg =
                if hp.Centered then
                    if hp.Torch2x then lerpInPlace gavg d (1.0 - hp.Alpha)
                    else gavg.mul_(hp.Alpha.ToScalar()).add_(d, (1.0 - hp.Alpha).ToScalar()) |> ignore
                    let a = sq.addcmul(gavg, gavg, (-1.0).ToScalar())
                    a.sqrt_() |> ignore
                    a
                else sq.sqrt()
            avg.add_(hp.Eps.ToScalar()) |> ignore
            if hp.Momentum > 0.0 then
                buf.mul_(hp.Momentum.ToScalar()).addcdiv_(d, avg) |> ignore
                p.add_(buf, (-hp.Lr).ToScalar()) |> ignore
            else p.addcdiv_(d, avg, (-hp.Lr).ToScalar()) |> ignore
            release d owned
            true
