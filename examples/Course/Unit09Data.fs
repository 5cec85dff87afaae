namespace Fluxion.Course

open System
open System.Runtime.InteropServices
open Fluxion
open Fluxion.Compat
open Fluxion.Data
open Fluxion.Ops
open Fluxion.Random

/// Settings of libpcpt.unit09's synthetic novelty curves (the Python keyword arguments and their defaults).
type NoveltyCurveOptions =
    { NSamples: int
      SeqLen: int
      XMax: float
      MinGap: int
      AmpRange: float * float
      TauRange: float * float
      /// None: binary targets; Some sigma: each onset becomes a unit-peak Gaussian of that width.
      SigmaTarget: float option
      NoiseStd: float
      NPeaksRange: int * int
      /// "max" or "sum": how overlapping target bumps combine.
      Combine: string
      RiseLenRange: int * int
      RiseJitterStd: float
      SmoothSigmaRange: (float * float) option
      SmoothRadius: int
      Seed: int64 }

    /// NoveltyCurveDataset()'s defaults.
    static member Default =
        { NSamples = 800; SeqLen = 128; XMax = 2.0; MinGap = 10; AmpRange = (0.6, 1.6); TauRange = (2.0, 5.0)
          SigmaTarget = None; NoiseStd = 0.02; NPeaksRange = (2, 6); Combine = "max"; RiseLenRange = (2, 6)
          RiseJitterStd = 0.05; SmoothSigmaRange = Some(0.5, 2.0); SmoothRadius = 4; Seed = 0L }

/// libpcpt.unit09's NoveltyCurveDataset: energy-like input curves (jump, exponential decay, softened rise,
/// light blur, noise, scaled to x_max) with onset targets, drawn from NumPy's default_rng(seed) in the
/// course's order, so X and Y equal the Python tensors bit for bit.
type NoveltyCurveDataset(options: NoveltyCurveOptions) =
    inherit Dataset<Tensor[]>()

    static let gauss (len: int) (center: float) (sigma: float) =
        Array.init len (fun n -> let z = (float n - center) / sigma in Math.Exp(-0.5 * (z * z)))

    static let samplePeaks (seqLen: int) (k: int) (minGap: int) (rng: NumpyGenerator) =
        let minGap = max minGap 1
        let offset = rng.Integers(0L, int64 minGap)
        let candidates = [| offset .. int64 minGap .. int64 seqLen - 1L |]
        let k = min k candidates.Length
        rng.Choice(candidates, k, false) |> Array.sort |> Array.map int

    static let gaussKernel (sigma: float) (radius: int) =
        if sigma <= 0.0 || radius < 1 then [| 1.0 |]
        else
            let k = Array.init (2 * radius + 1) (fun i -> let z = float (i - radius) / sigma in Math.Exp(-0.5 * (z * z)))
            let s = NumPy.sum k
            k |> Array.map (fun v -> v / s)

    let o = options
    let rows =
        if o.Combine <> "max" && o.Combine <> "sum" then
            raise (ArgumentException(sprintf "NoveltyCurveDataset: combine must be \"max\" or \"sum\", not \"%s\"" o.Combine, "options"))
        let rng = NumpyGenerator.DefaultRng(o.Seed)
        let logTMin, logTMax = Math.Log(fst o.TauRange), Math.Log(snd o.TauRange)
        let T = o.SeqLen
        Array.init o.NSamples (fun _ ->
            let K = int (rng.Integers(int64 (fst o.NPeaksRange), int64 (snd o.NPeaksRange) + 1L))
            let centers = samplePeaks T K o.MinGap rng
            let mutable y = Array.zeroCreate<float> T
            match o.SigmaTarget with
            | None -> for c in centers do y[c] <- 1.0
            | Some sigma ->
                for c in centers do
                    let bump = gauss T (float c) sigma
                    y <- if o.Combine = "max" then Array.map2 (fun a b -> max a b) y bump else Array.map2 (+) y bump
            let mutable x = Array.zeroCreate<float> T
            for c in centers do
                let A = rng.Uniform(fst o.AmpRange, snd o.AmpRange)
                let tau = Math.Exp(rng.Uniform(logTMin, logTMax))
                let r = Math.Exp(-1.0 / tau)
                let tail = Array.init (T - c) (fun i -> A * Math.Pow(r, float i))
                let lRise = int (rng.Integers(int64 (fst o.RiseLenRange), int64 (snd o.RiseLenRange) + 1L))
                let lRise = max 1 (min lRise (T - c))
                let jitter = rng.StandardNormal(lRise)
                for i in 0 .. lRise - 1 do
                    let ramp = min 1.0 ((float i + 1.0) / float lRise)
                    tail[i] <- tail[i] * (ramp * (1.0 + o.RiseJitterStd * jitter[i]))
                for i in 0 .. tail.Length - 1 do x[c + i] <- x[c + i] + tail[i]
            match o.SmoothSigmaRange with
            | Some(lo, hi) when o.SmoothRadius >= 1 ->
                let sigma = rng.Uniform(lo, hi)
                x <- NumPy.convolve x (gaussKernel sigma o.SmoothRadius) "same"
            | _ -> ()
            if o.NoiseStd > 0.0 then
                let noise = rng.StandardNormal(T)
                x <- Array.map2 (fun a n -> a + o.NoiseStd * n) x noise
            let xmax = Array.max x
            let x = if xmax > 0.0 then (let s = o.XMax / xmax in Array.map (fun v -> s * v) x) else Array.zeroCreate T
            Array.map float32 x, Array.map float32 y)

    let xs = Creation.ofFloat32 [| o.NSamples; o.SeqLen; 1 |] (rows |> Array.collect fst)
    let ys = Creation.ofFloat32 [| o.NSamples; o.SeqLen; 1 |] (rows |> Array.collect snd)

    /// The settings the curves were drawn with.
    member _.Options = options
    /// Inputs, (N, T, 1) float32.
    member _.X : Tensor = xs
    /// Targets, (N, T, 1) float32.
    member _.Y : Tensor = ys
    /// Number of sequences.
    override _.Count = o.NSamples
    /// (x, y) of sequence i, each (T, 1).
    override _.Item with get (i: int) = [| xs[i]; ys[i] |]

    /// NoveltyCurveDataset(n_samples, seq_len, ...) with the course's keywords in C#'s shape (nullable values, value
    /// tuples), so C# never builds the options record's F# options; settings not named keep their defaults.
    static member Create(nSamples: int, [<Optional; DefaultParameterValue(128)>] seqLen: int, [<Optional>] sigmaTarget: Nullable<float>,
                         [<Optional; DefaultParameterValue(0L)>] seed: int64, [<Optional; DefaultParameterValue(10)>] minGap: int,
                         [<Optional>] nPeaksRange: Nullable<struct (int * int)>, [<Optional; DefaultParameterValue(0.02)>] noiseStd: float,
                         [<Optional>] riseLenRange: Nullable<struct (int * int)>) =
        let d = NoveltyCurveOptions.Default
        let pair (r: Nullable<struct (int * int)>) (fallback: int * int) = if r.HasValue then (let struct (a, b) = r.Value in a, b) else fallback
        NoveltyCurveDataset(
            { d with
                NSamples = nSamples
                SeqLen = seqLen
                SigmaTarget = Option.ofNullable sigmaTarget
                Seed = seed
                MinGap = minGap
                NPeaksRange = pair nPeaksRange d.NPeaksRange
                NoiseStd = noiseStd
                RiseLenRange = pair riseLenRange d.RiseLenRange })
