/// Shared helpers of the Optim tests: building optimizers from torch kwargs, bit patterns, hand-built models.
module OptimTestUtil

open System
open System.Text.Json
open Fluxion
open Fluxion.Nn
open Fluxion.Optim
open Fluxion.Kernels.OptimKernels

/// Float32 bits of a `0x........` pattern.
let bits32 (h: string) = Convert.ToUInt32(h.Substring 2, 16)
/// Float64 bits of a `0x................` pattern.
let bits64 (h: string) = Convert.ToUInt64(h.Substring 2, 16)
/// The bit pattern of a tensor element as hex, in its own precision.
let hexOf (dtype: Dtype) (v: float) =
    if dtype = Dtype.Float32 then sprintf "0x%08x" (BitConverter.SingleToUInt32Bits(float32 v))
    else sprintf "0x%016x" (BitConverter.DoubleToUInt64Bits v)

let private kw = TestData.kw
let private kwb = TestData.kwb
let private betas = TestData.betas

/// The torch.optim-style object for a vector file's class name and kwargs.
let objectOptimizer (opt: string) (k: JsonElement) (ps: Parameter seq) : TorchOptimizer =
    match opt with
    | "SGD" ->
        SGD(ps, kw k "lr" 0.0, momentum = kw k "momentum" 0.0, dampening = kw k "dampening" 0.0,
            weightDecay = kw k "weight_decay" 0.0, nesterov = kwb k "nesterov", maximize = kwb k "maximize") :> _
    | "Adam" ->
        let b1, b2 = betas k
        Adam(ps, lr = kw k "lr" 1e-3, beta1 = b1, beta2 = b2, eps = kw k "eps" 1e-8, weightDecay = kw k "weight_decay" 0.0, amsgrad = kwb k "amsgrad") :> _
    | "AdamW" ->
        let b1, b2 = betas k
        AdamW(ps, lr = kw k "lr" 1e-3, beta1 = b1, beta2 = b2, eps = kw k "eps" 1e-8, weightDecay = kw k "weight_decay" 1e-2, amsgrad = kwb k "amsgrad") :> _
    | "RMSprop" ->
        RMSprop(ps, lr = kw k "lr" 1e-2, alpha = kw k "alpha" 0.99, eps = kw k "eps" 1e-8, weightDecay = kw k "weight_decay" 0.0,
                momentum = kw k "momentum" 0.0, centered = kwb k "centered") :> _
    | "Adagrad" ->
        Adagrad(ps, lr = kw k "lr" 1e-2, lrDecay = kw k "lr_decay" 0.0, weightDecay = kw k "weight_decay" 0.0,
                initialAccumulatorValue = kw k "initial_accumulator_value" 0.0, eps = kw k "eps" 1e-10) :> _
    | o -> failwithf "unknown optimizer %s" o

/// The pure optimizer for a vector file's class name and kwargs.
let pureOptimizer (opt: string) (k: JsonElement) : Optimizer =
    match opt with
    | "SGD" ->
        Optim.sgdWith { Lr = kw k "lr" 0.0; Momentum = kw k "momentum" 0.0; Dampening = kw k "dampening" 0.0
                        WeightDecay = kw k "weight_decay" 0.0; Nesterov = kwb k "nesterov"; Maximize = kwb k "maximize" }
    | "Adam" | "AdamW" ->
        let b1, b2 = betas k
        let d = if opt = "Adam" then AdamHyper.Adam else AdamHyper.AdamW
        let hp = { d with Lr = kw k "lr" d.Lr; Beta1 = b1; Beta2 = b2; Eps = kw k "eps" d.Eps; WeightDecay = kw k "weight_decay" d.WeightDecay; Amsgrad = kwb k "amsgrad" }
        if opt = "Adam" then Optim.adamWith hp else Optim.adamWWith hp
    | "RMSprop" ->
        let d = RmspropHyper.Default
        Optim.rmspropWith { d with Lr = kw k "lr" d.Lr; Alpha = kw k "alpha" d.Alpha; Eps = kw k "eps" d.Eps; WeightDecay = kw k "weight_decay" 0.0
                                   Momentum = kw k "momentum" 0.0; Centered = kwb k "centered" }
    | "Adagrad" ->
        let d = AdagradHyper.Default
        Optim.adagradWith { d with Lr = kw k "lr" d.Lr; LrDecay = kw k "lr_decay" 0.0; WeightDecay = kw k "weight_decay" 0.0
                                   InitialAccumulatorValue = kw k "initial_accumulator_value" 0.0; Eps = kw k "eps" d.Eps }
    | o -> failwithf "unknown optimizer %s" o

/// Himmelblau's function written with engine ops exactly as the vector file's setup: p = [u, v].
let himmelblau (p: Tensor) =
    let u = p.[0]
    let v = p.[1]
    Tensor.Pow(Tensor.Pow(u, 2.0) + v - 11.0, 2.0) + Tensor.Pow(u + Tensor.Pow(v, 2.0) - 7.0, 2.0)

/// Himmelblau on two scalar parameters, as the course's exercise writes it.
let himmelblauUV (u: Tensor) (v: Tensor) =
    Tensor.Pow(Tensor.Pow(u, 2.0) + v - 11.0, 2.0) + Tensor.Pow(u + Tensor.Pow(v, 2.0) - 7.0, 2.0)

/// A float32 tensor from golden JSON numbers (exact float32 values) and a shape.
let golden32 (shape: int[]) (e: JsonElement) =
    let rec flat (e: JsonElement) : float32 seq =
        match e.ValueKind with
        | JsonValueKind.Array -> e.EnumerateArray() |> Seq.collect flat
        | _ -> Seq.singleton (float32 (TestData.num e))
    Tensor.ofArray shape (Array.ofSeq (flat e))

/// A golden parameter entry {shape, values} as a float32 tensor.
let goldenParam (e: JsonElement) =
    let shape = [| for s in e.GetProperty("shape").EnumerateArray() -> s.GetInt32() |]
    golden32 shape (e.GetProperty "values")
