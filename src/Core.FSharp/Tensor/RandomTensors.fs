namespace Fluxion.Ops

open System
open Fluxion
open Fluxion.Random

/// Random tensors and grids that draw exactly like PyTorch 1.13 on CPU (same seed, same numbers).
module RandomTensors =
    /// Seeds the global generator (PyTorch's `manual_seed`).
    let manualSeed (seed: int64) = Generator.Default.ManualSeed seed |> ignore

    let private floatOnly (op: string) (dtype: Dtype) =
        if not (Dtype.isFloat dtype) then invalidArg "dtype" (sprintf "%s: expected a floating point dtype, got %s" op (Dtype.name dtype))

    /// Uniform samples in [0, 1).
    let rand (g: Generator) (shape: int[]) (dtype: Dtype) =
        floatOnly "rand" dtype
        let n = Shape.validate "rand" shape
        if dtype = Dtype.Float32 then Creation.ofFloat32 shape (Sampling.rand32 g n)
        else Creation.ofFloat64 shape (Sampling.rand64 g n)

    /// Standard normal samples (PyTorch's scalar path below 16 elements, vector path above).
    let randn (g: Generator) (shape: int[]) (dtype: Dtype) =
        floatOnly "randn" dtype
        let n = Shape.validate "randn" shape
        if dtype = Dtype.Float32 then Creation.ofFloat32 shape (Sampling.randn32 g n)
        else Creation.ofFloat64 shape (Sampling.randn64 g n)

    /// Uniform samples in [low, high).
    let uniform (g: Generator) (shape: int[]) (low: float) (high: float) (dtype: Dtype) =
        floatOnly "uniform" dtype
        if not (low <= high) then invalidArg "high" (sprintf "uniform: uniform_ expects to return a [from, to) range, but found from=%g > to=%g" low high)
        let n = Shape.validate "uniform" shape
        if dtype = Dtype.Float32 then Creation.ofFloat32 shape (Sampling.uniform32 g n low high)
        else Creation.ofFloat64 shape (Sampling.uniform64 g n low high)

    /// Normal samples with the given mean and standard deviation.
    let normal (g: Generator) (shape: int[]) (mean: float) (std: float) (dtype: Dtype) =
        floatOnly "normal" dtype
        if not (std >= 0.0) then invalidArg "std" (sprintf "normal: normal expects std >= 0.0, but found std %g" std)
        let n = Shape.validate "normal" shape
        if dtype = Dtype.Float32 then Creation.ofFloat32 shape (Sampling.normal32 g n mean std)
        else Creation.ofFloat64 shape (Sampling.normal64 g n mean std)

    /// Integers drawn uniformly from [low, high) as int64.
    let randint (g: Generator) (low: int64) (high: int64) (shape: int[]) =
        if high <= low then invalidArg "high" (sprintf "randint: high (%d) must be greater than low (%d)" high low)
        Creation.ofInt64 shape (Sampling.randint g low high (Shape.validate "randint" shape))

    /// A random permutation of 0..n-1 as int64.
    let randperm (g: Generator) (n: int) =
        if n < 0 then invalidArg "n" (sprintf "randperm: n must be non-negative, got %d" n)
        Creation.ofInt64 [| n |] (Sampling.randperm g n)

    /// Fills a tensor's data in place with uniform samples (PyTorch's `uniform_`).
    let uniformInPlace (g: Generator) (low: float) (high: float) (t: Tensor) =
        t.CopyInPlace(uniform g t.Shape low high t.Dtype)

    /// Fills a tensor's data in place with normal samples (PyTorch's `normal_`).
    let normalInPlace (g: Generator) (mean: float) (std: float) (t: Tensor) =
        t.CopyInPlace(normal g t.Shape mean std t.Dtype)

    /// `steps` evenly spaced values from start to end inclusive (PyTorch 1.13's float32 kernel, bit for bit).
    let linspace (start: float) (stop: float) (steps: int) (dtype: Dtype) =
        if steps < 0 then invalidArg "steps" (sprintf "linspace: number of steps must be non-negative, got %d" steps)
        match dtype with
        | Dtype.Float64 -> Creation.ofFloat64 [| steps |] (Grids.linspace64 start stop steps)
        | _ -> Creation.ofFloat32 [| steps |] (Grids.linspace32 start stop steps)

    /// Values from start (inclusive) to stop (exclusive) by step, of the given dtype.
    let arange (start: float) (stop: float) (step: float) (dtype: Dtype) =
        if step = 0.0 then invalidArg "step" "arange: step must be nonzero"
        if not (Double.IsFinite start && Double.IsFinite stop) then invalidArg "stop" (sprintf "arange: unsupported range: %g -> %g" start stop)
        if (stop - start) / step < 0.0 then invalidArg "step" (sprintf "arange: upper bound %g and lower bound %g inconsistent with step sign %g" stop start step)
        match dtype with
        | Dtype.Float64 -> let d = Grids.arange64 start stop step in Creation.ofFloat64 [| d.Length |] d
        | Dtype.Int64 -> let d = Grids.arangeInt (int64 start) (int64 stop) (int64 step) in Creation.ofInt64 [| d.Length |] d
        | Dtype.Int32 -> let d = Grids.arangeInt (int64 start) (int64 stop) (int64 step) in (Creation.ofInt64 [| d.Length |] d).Cast Dtype.Int32
        | _ -> let d = Grids.arange32 start stop step in Creation.ofFloat32 [| d.Length |] d
