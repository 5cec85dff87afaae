namespace Fluxion.Nn

open Fluxion
open Fluxion.Ops
open Fluxion.Random

/// PyTorch's `torch.nn.init`: fills a tensor's data in place, drawing from a generator exactly as PyTorch
/// does after the same seed (bounds and standard deviations computed in double as PyTorch computes them).
/// Each function returns the tensor it filled.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Init =
    /// The recommended gain for a nonlinearity (`linear`, `conv1d`, `sigmoid`, `tanh`, `relu`, `leaky_relu`, `selu`).
    let calculateGain (nonlinearity: string) (param: float option) = InitMath.calculateGain nonlinearity param

    /// Uniform samples in [a, b).
    let uniform (g: Generator) (a: float) (b: float) (t: Tensor) =
        RandomTensors.uniformInPlace g a b t
        t
    /// Normal samples with a mean and a standard deviation.
    let normal (g: Generator) (mean: float) (std: float) (t: Tensor) =
        RandomTensors.normalInPlace g mean std t
        t
    /// A constant value.
    let constant (value: float) (t: Tensor) =
        t.FillInPlace value
        t
    /// Zeros.
    let zeros (t: Tensor) = constant 0.0 t
    /// Ones.
    let ones (t: Tensor) = constant 1.0 t
    /// Glorot uniform: U(-a, a) with a = gain·sqrt(6 / (fan_in + fan_out)).
    let xavierUniform (g: Generator) (gain: float) (t: Tensor) =
        let a = InitMath.xavierUniformBound t.Shape gain
        uniform g (-a) a t
    /// Glorot normal: N(0, std²) with std = gain·sqrt(2 / (fan_in + fan_out)).
    let xavierNormal (g: Generator) (gain: float) (t: Tensor) =
        normal g 0.0 (InitMath.xavierNormalStd t.Shape gain) t
    /// He uniform: U(-b, b) with b = gain/sqrt(fan) · sqrt 3; `mode` is "fan_in" or "fan_out".
    let kaimingUniform (g: Generator) (a: float) (mode: string) (nonlinearity: string) (t: Tensor) =
        let b = InitMath.kaimingUniformBound t.Shape a mode nonlinearity
        uniform g (-b) b t
    /// He normal: N(0, std²) with std = gain/sqrt(fan).
    let kaimingNormal (g: Generator) (a: float) (mode: string) (nonlinearity: string) (t: Tensor) =
        normal g 0.0 (InitMath.kaimingNormalStd t.Shape a mode nonlinearity) t
