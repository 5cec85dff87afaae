namespace Fluxion.Course

open System
open Fluxion.Compat
open Fluxion.Random

/// libpcpt.unit06's data recipe (exercise 3), drawing from NumPy's global legacy generator as the course does.
module Unit06Data =
    /// generate_sine_superposition: t, X = low + high + noise, Y = high (one row per pair), in float64.
    /// np.sin is .NET's (glibc) sine; NumPy 1.24's AVX-512 sine can differ in the last bit of a double,
    /// which the float32 tensors built from these rows do not see (see Unit 6's tests).
    let generateSineSuperposition (lenSignal: int) (numPairs: int) : float[] * float[][] * float[][] =
        let r = NumpyRandomState.Default
        let t = NumPy.linspace 0.0 1.0 lenSignal true
        let twoPi = 2.0 * Math.PI
        let pairs =
            Array.init numPairs (fun _ ->
                let fLow = r.Uniform(2.0, 6.0)
                let pLow = r.Uniform(0.0, 1.0)
                let fHigh = r.Uniform(12.0, 20.0)
                let pHigh = r.Uniform(0.0, 1.0)
                let noise = r.Normal(0.0, 0.5, lenSignal)
                let xLow = t |> Array.map (fun ti -> Math.Sin(twoPi * (fLow * ti + pLow)))
                let yHigh = t |> Array.map (fun ti -> 0.5 * Math.Sin(twoPi * (fHigh * ti + pHigh)))
                let x = Array.init lenSignal (fun i -> xLow[i] + yHigh[i] + noise[i])
                x, yHigh)
        t, Array.map fst pairs, Array.map snd pairs

/// The notebook's own recipe (cell 26's generate_sine_wave): a sine with frequency in [0, 8] Hz and phase
/// in [0, 1] cycles, plus Gaussian noise with a standard deviation drawn from [0.2, 1]; returns t, X (noisy), Y (clean).
module Unit06Notebook =
    /// generate_sine_wave(len_signal, num_pairs), drawing from NumPy's global legacy generator.
    let generateSineWave (lenSignal: int) (numPairs: int) : float[] * float[][] * float[][] =
        let r = NumpyRandomState.Default
        let t = NumPy.linspace 0.0 1.0 lenSignal true
        let pairs =
            Array.init numPairs (fun _ ->
                let freq = r.Uniform(0.0, 8.0)
                let phase = r.Uniform(0.0, 1.0)
                let noiseStd = r.Uniform(0.2, 1.0)
                let y = t |> Array.map (fun ti -> Math.Sin(2.0 * Math.PI * (freq * ti - phase)))
                let noise = r.Normal(0.0, noiseStd, lenSignal)
                Array.map2 (+) y noise, y)
        t, Array.map fst pairs, Array.map snd pairs

/// The unit's data sets for C#.
[<AbstractClass; Sealed>]
type Unit06Datasets private () =
    /// generate_sine_superposition(len_signal, num_pairs) of libpcpt.unit06 (exercise 3).
    static member SineSuperposition(lenSignal: int, numPairs: int) : struct (float[] * float[][] * float[][]) =
        let t, x, y = Unit06Data.generateSineSuperposition lenSignal numPairs
        struct (t, x, y)
