namespace Fluxion.Backends.Torch

open System
open Fluxion
open TorchSharp

/// In-place optimizer updates on torch tensors with libtorch's own kernels, in the operation order of
/// PyTorch's single-tensor SGD, Adam and RMSprop, so that a training loop on the Torch backend copies no
/// parameter or state out of libtorch. State tensors are zeros made with `TorchOptimKernels.state`.
module TorchOptimKernels =
    let private raw (fn: string) (what: string) (t: Tensor) : torch.Tensor =
        match t.Raw with
        | :? TorchRaw as r when Dtype.isFloat t.Dtype -> r.Tensor
        | r -> invalidArg what (sprintf "TorchOptimKernels.%s: %s must be a float tensor on the torch backend, got %s on %s" fn what (Dtype.name r.Dtype) r.Backend.Name)

    // A gradient that arrives as a transposed view (the adjoint of `w.T`) is made dense once, so that the several
    // elementwise kernels reading it run on contiguous memory (PyTorch's AccumulateGrad does the same).
    let private dense (fn: string) (g: Tensor) : torch.Tensor =
        let t = raw fn "g" g
        if t.is_contiguous() then t else t.contiguous()

    /// A zero state tensor shaped and typed like `p`, on the torch backend.
    let state (p: Tensor) : Tensor =
        Tensor.OfRaw(TorchBackend.Instance.Full(p.Shape, 0.0, p.Dtype))

    /// SGD: p -= lr·d with d = g, or with momentum μ the buffer b = μ·b + g (b = g on the first step).
    let sgdStep (p: Tensor) (g: Tensor) (buffer: Tensor) (first: bool) (lr: float) (momentum: float) =
        let pt = raw "sgdStep" "p" p
        let gt = dense "sgdStep" g
        if momentum = 0.0 then pt.add_(gt, (-lr).ToScalar()) |> ignore
        else
            let b = raw "sgdStep" "buffer" buffer
            if first then b.copy_(gt) |> ignore
            else b.mul_(momentum.ToScalar()).add_(gt) |> ignore
            pt.add_(b, (-lr).ToScalar()) |> ignore

    /// Adam (step counts from 1): m = β1·m + (1-β1)·g, v = β2·v + (1-β2)·g², p -= lr/(1-β1^t) · m / (√v/√(1-β2^t) + eps).
    let adamStep (p: Tensor) (g: Tensor) (m: Tensor) (v: Tensor) (step: int) (lr: float) (beta1: float) (beta2: float) (eps: float) =
        if step < 1 then invalidArg "step" (sprintf "TorchOptimKernels.adamStep: step is %d; steps count from 1" step)
        let pt = raw "adamStep" "p" p
        let gt = dense "adamStep" g
        let mt = raw "adamStep" "m" m
        let vt = raw "adamStep" "v" v
        mt.mul_(beta1.ToScalar()).add_(gt, (1.0 - beta1).ToScalar()) |> ignore
        vt.mul_(beta2.ToScalar()).addcmul_(gt, gt, (1.0 - beta2).ToScalar()) |> ignore
        let bc1 = 1.0 - Math.Pow(beta1, float step)
        let bc2 = 1.0 - Math.Pow(beta2, float step)
        use s = vt.sqrt()
        s.div_((sqrt bc2).ToScalar()).add_(eps.ToScalar()) |> ignore
        pt.addcdiv_(mt, s, (-lr / bc1).ToScalar()) |> ignore

    /// RMSprop: a = α·a + (1-α)·g², p -= lr · g / (√a + eps).
    let rmspropStep (p: Tensor) (g: Tensor) (squareAvg: Tensor) (lr: float) (alpha: float) (eps: float) =
        let pt = raw "rmspropStep" "p" p
        let gt = dense "rmspropStep" g
        let a = raw "rmspropStep" "squareAvg" squareAvg
        a.mul_(alpha.ToScalar()).addcmul_(gt, gt, (1.0 - alpha).ToScalar()) |> ignore
        use d = a.sqrt()
        d.add_(eps.ToScalar()) |> ignore
        pt.addcdiv_(gt, d, (-lr).ToScalar()) |> ignore
