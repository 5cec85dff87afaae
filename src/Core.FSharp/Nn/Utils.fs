namespace Fluxion.Nn

open System
open Fluxion
open Fluxion.Ops

/// Gradient clipping (PyTorch's `torch.nn.utils.clip_grad_norm_` / `clip_grad_value_`), in torch 1.13's float order.
[<RequireQualifiedAccess>]
module Utils =
    /// ATen's CPU p-norm of one float32 vector: p = 2 runs 8 AVX lanes of x·x, folds them left to right and
    /// finishes the tail serially; other p accumulate serially.
    let private norm32 (p: float) (x: float32[]) : float32 =
        if p = 2.0 then
            let lanes = 8
            let acc = Array.zeroCreate<float32> lanes
            let full = x.Length - x.Length % lanes
            let mutable d = 0
            while d < full do
                for j in 0 .. lanes - 1 do
                    let v = x[d + j]
                    acc[j] <- acc[j] + v * v
                d <- d + lanes
            let mutable s = acc[0]
            for j in 1 .. lanes - 1 do s <- s + acc[j]
            for k in full .. x.Length - 1 do s <- s + x[k] * x[k]
            float32 (sqrt (float s))
        elif Double.IsPositiveInfinity p then
            let mutable m = 0.0f
            for v in x do
                let a = abs v
                if a > m || Single.IsNaN a then m <- a
            m
        elif p = 1.0 then
            let mutable s = 0.0f
            for v in x do s <- s + abs v
            s
        else
            let mutable s = 0.0f
            for v in x do s <- s + float32 (Math.Pow(float (abs v), p))
            float32 (Math.Pow(float s, 1.0 / p))

    let private norm64 (p: float) (x: float[]) : float =
        if Double.IsPositiveInfinity p then x |> Array.fold (fun m v -> if abs v > m || Double.IsNaN v then abs v else m) 0.0
        elif p = 2.0 then sqrt (x |> Array.sumBy (fun v -> v * v))
        elif p = 1.0 then x |> Array.sumBy abs
        else Math.Pow(x |> Array.sumBy (fun v -> Math.Pow(abs v, p)), 1.0 / p)

    /// Scales the gradients in place so their joint norm is at most maxNorm; returns the norm before clipping.
    let private clipTensors (normType: float) (errorIfNonfinite: bool) (maxNorm: float) (grads: Tensor[]) : Tensor =
        if grads.Length = 0 then Tensor.scalar 0.0
        else
            let dtype = grads[0].Dtype
            if dtype = Dtype.Float32 then
                let norms = grads |> Array.map (fun g -> norm32 normType (g.ToFloat32Array()))
                let total = if norms.Length = 1 then norms[0] else norm32 normType norms
                if errorIfNonfinite && not (Single.IsFinite total) then
                    raise (InvalidOperationException(sprintf "The total norm of order %g for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`" normType))
                // Python's `max_norm / tensor` is reciprocal(tensor) * max_norm, all in float32.
                let coef = (1.0f / (total + float32 1e-6)) * float32 maxNorm
                let coef = if coef > 1.0f then 1.0f else coef
                for g in grads do g.Mul_(float coef) |> ignore
                Tensor.scalar (float total)
            else
                let norms = grads |> Array.map (fun g -> norm64 normType (g.Cast(Dtype.Float64).ToDoubleArray()))
                let total = if norms.Length = 1 then norms[0] else norm64 normType norms
                if errorIfNonfinite && not (Double.IsFinite total) then
                    raise (InvalidOperationException(sprintf "The total norm of order %g for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`" normType))
                let coef = min 1.0 ((1.0 / (total + 1e-6)) * maxNorm)
                for g in grads do g.Mul_(coef) |> ignore
                Creation.scalar total dtype

    /// Scales all gradients together so their joint `normType`-norm is at most `maxNorm`; returns the norm before
    /// clipping (a 0-d tensor). Parameters without a gradient are skipped; `errorIfNonfinite` raises on a NaN/inf norm.
    let clipGradNormWith (normType: float) (errorIfNonfinite: bool) (maxNorm: float) (parameters: seq<Parameter>) : Tensor =
        if isNull parameters then raise (ArgumentNullException "parameters")
        if Double.IsNaN normType || normType <= 0.0 then
            raise (ArgumentOutOfRangeException("normType", normType, sprintf "clip_grad_norm_: norm_type must be positive (or infinity), got %g" normType))
        let grads = [| for p in parameters do if not (isNull (box p)) && not (isNull (box p.Grad)) then yield p.Grad |]
        clipTensors normType errorIfNonfinite maxNorm grads

    /// `clip_grad_norm_(parameters, max_norm)` with the Euclidean norm; returns the total norm before clipping.
    let clipGradNorm (maxNorm: float) (parameters: seq<Parameter>) : Tensor =
        clipGradNormWith 2.0 false maxNorm parameters

    /// clip_grad_norm_ for gradients held as a Params tree (a pure training loop): new gradients scaled exactly as
    /// clip_grad_norm_ scales them in place, and the Euclidean norm before clipping.
    let clipGradNormOf (maxNorm: float) (grads: Params) : Params * Tensor =
        let copies = Params.leaves grads |> Array.map (fun g -> g.Detach().Clone())
        let total = clipTensors 2.0 false maxNorm copies
        Params.withLeaves grads copies, total

    /// Clamps every gradient element into [−clipValue, clipValue] in place (PyTorch's `clip_grad_value_`).
    let clipGradValue (clipValue: float) (parameters: seq<Parameter>) : unit =
        if isNull parameters then raise (ArgumentNullException "parameters")
        for p in parameters do
            if not (isNull (box p)) && not (isNull (box p.Grad)) then
                let g = p.Grad
                g.CopyInPlace(Elementwise.clamp -clipValue clipValue g) |> ignore
