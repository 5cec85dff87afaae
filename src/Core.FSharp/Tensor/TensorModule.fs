namespace Fluxion

open Fluxion.Ops
open Fluxion.Random

/// The F# tensor API in pipeline style: `x |> Tensor.exp`, `Tensor.zeros [|2; 3|]`.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Tensor =
    // creation
    /// A float32 tensor from a flat array and a shape.
    let ofArray (shape: int[]) (data: float32[]) = Creation.ofFloat32 shape data
    /// A float64 tensor from a flat array and a shape.
    let ofArray64 (shape: int[]) (data: float[]) = Creation.ofFloat64 shape data
    /// A tensor from a scalar, array or nested jagged array (floats become float32).
    let create (data: obj) = Creation.ofNested data
    /// A 0-dim float32 tensor.
    let scalar (v: float) = Creation.scalar v Dtype.Float32
    /// A 0-dim float64 tensor.
    let scalar64 (v: float) = Creation.scalar v Dtype.Float64
    /// Zeros (float32).
    let zeros (shape: int[]) = Creation.zeros shape Dtype.Float32
    /// Ones (float32).
    let ones (shape: int[]) = Creation.ones shape Dtype.Float32
    /// A tensor filled with a value (float32).
    let full (shape: int[]) (v: float) = Creation.full shape v Dtype.Float32
    /// The identity matrix (float32).
    let eye (n: int) = Creation.eye n n Dtype.Float32
    /// Zeros shaped like t.
    let zerosLike (t: Tensor) = t.ZerosLike()
    /// Ones shaped like t.
    let onesLike (t: Tensor) = t.OnesLike()
    /// Evenly spaced float32 values (PyTorch-exact).
    let linspace (start: float) (stop: float) (steps: int) = RandomTensors.linspace start stop steps Dtype.Float32
    /// A float32 range [start, stop) by step (PyTorch-exact).
    let arange (start: float) (stop: float) (step: float) = RandomTensors.arange start stop step Dtype.Float32
    /// Seeds the global generator.
    let manualSeed (seed: int64) = RandomTensors.manualSeed seed
    /// Enters anomaly detection on this thread (torch.autograd.detect_anomaly): `use _ = Tensor.detectAnomaly ()`.
    let detectAnomaly () = AnomalyMode.DetectAnomaly()
    /// Uniform [0, 1) float32 samples from the global generator.
    let rand (shape: int[]) = RandomTensors.rand Generator.Default shape Dtype.Float32
    /// Standard normal float32 samples from the global generator.
    let randn (shape: int[]) = RandomTensors.randn Generator.Default shape Dtype.Float32
    /// Uniform samples shaped like t.
    let randLike (t: Tensor) = RandomTensors.rand Generator.Default t.Shape t.Dtype
    /// Normal samples shaped like t.
    let randnLike (t: Tensor) = RandomTensors.randn Generator.Default t.Shape t.Dtype
    /// Uniform [0, 1) float32 samples from the given generator (torch.rand(..., generator=g)).
    let randWith (g: Generator) (shape: int[]) = RandomTensors.rand g shape Dtype.Float32
    /// Standard normal float32 samples from the given generator.
    let randnWith (g: Generator) (shape: int[]) = RandomTensors.randn g shape Dtype.Float32
    // arithmetic and elementwise
    /// Elementwise power with a scalar exponent.
    let pow (e: float) (x: Tensor) = Tensor.Pow(x, e)
    /// Negation.
    let neg (x: Tensor) = -x
    let abs x = Elementwise.abs x
    let sign x = Elementwise.sign x
    let exp x = Elementwise.exp x
    let log x = Elementwise.log x
    let sqrt x = Elementwise.sqrt x
    let sin x = Elementwise.sin x
    let cos x = Elementwise.cos x
    let tan x = Elementwise.tan x
    let tanh x = Elementwise.tanh x
    let sigmoid x = Elementwise.sigmoid x
    let relu x = Elementwise.relu x
    let leakyRelu slope x = Elementwise.leakyRelu slope x
    let softplus x = Elementwise.softplus x
    let elu alpha x = Elementwise.elu alpha x
    let gelu x = Elementwise.gelu x
    let erf x = Elementwise.erf x
    let clamp lo hi x = Elementwise.clamp lo hi x
    let maximum a b = Elementwise.maximum a b
    let minimum a b = Elementwise.minimum a b
    let atan x = Elementwise.atan x
    let asin x = Elementwise.asin x
    let acos x = Elementwise.acos x
    let sinh x = Elementwise.sinh x
    let cosh x = Elementwise.cosh x
    let ceil x = Elementwise.ceil x
    let floor x = Elementwise.floor x
    let round x = Elementwise.round x
    /// Rounding half to even at `decimals` places (torch.round(x, decimals=d)), computed as PyTorch 1.13 does in the
    /// tensor's dtype: round(x·10^d)/10^d, or round(x/10^-d)·10^-d for negative d; zero derivative.
    let roundDecimals (decimals: int) (x: Tensor) =
        if decimals = 0 then Elementwise.round x
        elif decimals > 0 then
            let p = 10.0 ** float decimals
            Elementwise.round (x * p) / p
        else
            let p = 10.0 ** float -decimals
            Elementwise.round (x / p) * p
    let trunc x = Elementwise.trunc x
    let expm1 x = Elementwise.expm1 x
    let log1p x = Elementwise.log1p x
    let reciprocal x = Elementwise.reciprocal x
    let square x = Elementwise.square x
    let atan2 a b = Elementwise.atan2 a b
    // reductions
    let sum (x: Tensor) = x.Sum()
    let sumDim dim keepDim (x: Tensor) = x.Sum([| dim |], keepDim)
    let mean x = Reductions.mean x
    let meanDim dim keepDim x = Reductions.meanDim dim keepDim x
    let var x = Reductions.var 1 x
    let std x = Reductions.std 1 x
    let max x = Reductions.max x
    let min x = Reductions.min x
    let maxDim dim keepDim x = Reductions.maxDim dim keepDim x
    let minDim dim keepDim x = Reductions.minDim dim keepDim x
    let argmax x = Reductions.argmax x
    let argmin x = Reductions.argmin x
    let logsumexp dim keepDim x = Reductions.logsumexp dim keepDim x
    let softmax dim x = Reductions.softmax dim x
    let logSoftmax dim x = Reductions.logSoftmax dim x
    // linear algebra
    let matmul a b = Tensor.MatMul(a, b)
    let dot (a: Tensor) (b: Tensor) = Tensor.MatMul(a, b)
    let outer (a: Tensor) (b: Tensor) = Tensor.MatMul(a.Reshape [| -1; 1 |], b.Reshape [| 1; -1 |])
    // shape
    let reshape (shape: int[]) (x: Tensor) = x.Reshape shape
    let view (shape: int[]) (x: Tensor) = x.View shape
    let transpose d0 d1 (x: Tensor) = x.Transpose(d0, d1)
    let permute (perm: int[]) (x: Tensor) = x.Permute perm
    let expand (shape: int[]) (x: Tensor) = x.Expand shape
    let flatten x = Shapes.flatten 0 -1 x
    let squeeze x = Shapes.squeeze x
    let squeezeDim dim x = Shapes.squeezeDim dim x
    let unsqueeze dim x = Shapes.unsqueeze dim x
    let cat dim xs = Shapes.cat dim xs
    let stack dim xs = Shapes.stack dim xs
    let split size dim x = Shapes.split size dim x
    let chunk chunks dim x = Shapes.chunk chunks dim x
    let flip dims x = Shapes.flip dims x
    let repeat reps x = Shapes.repeat reps x
    let pad pads value x = Shapes.pad pads value x
    let select dim index (x: Tensor) = x.Select(dim, index)
    let narrow dim start length (x: Tensor) = x.Narrow(dim, start, length)
    let gather dim index x = Indexing.gather dim index x
    let scatter dim index src x = Indexing.scatter dim index src x
    let scatterAdd dim index src x = Indexing.scatterAdd dim index src x
    let indexSelect dim index x = Indexing.indexSelect dim index x
    let index idx x = Indexing.index idx x
    let maskedSelect mask x = Indexing.maskedSelect mask x
    let maskedFill mask value x = Indexing.maskedFill mask value x
    let where cond a b = Tensor.Where(cond, a, b)
    let vstack xs = Indexing.vstack xs
    let hstack xs = Indexing.hstack xs
    let repeatInterleave repeats dim x = Indexing.repeatInterleave repeats dim x
    let tile reps x = Indexing.tile reps x
    let einsum equation operands = Indexing.einsum equation operands
    // convolution and pooling
    let conv1d stride padding dilation groups weight bias x = Convolution.conv1d stride padding dilation groups weight bias x
    let maxPool1d k stride padding x = Convolution.maxPool1d k stride padding 1 x
    let avgPool1d k stride padding x = Convolution.avgPool1d k stride padding x
    // values
    let item (x: Tensor) = x.ToDouble()
    let toArray (x: Tensor) = x.ToFloat32Array()
    let detach (x: Tensor) = x.Detach()
    let cast dtype (x: Tensor) = x.Cast dtype

/// F# slicing syntax for tensors; an extension in an F# module, so C# (which uses `Slice`/`Narrow`) sees no F# option.
[<AutoOpen>]
module TensorSlicing =
    type Tensor with
        /// F# slicing `t.[a..b]` along the first dimension (C#: use `Slice` or `Narrow`).
        member x.GetSlice(start: int option, finish: int option) =
            x.Slice(0, defaultArg start 0, (match finish with Some f -> f + 1 | None -> System.Int32.MaxValue), 1)
