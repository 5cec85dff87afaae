namespace Fluxion.Course

open System
open Fluxion.Compat
open Fluxion.Random

/// The waveform and point-cloud recipes of PCPT Unit 7 (cells 6 and 30, libpcpt.unit07), drawing from NumPy's
/// global legacy generator in the course's order. np.sin/np.cos are .NET's; NumPy's SIMD versions can differ in
/// the last bit of a double, which the float32 tensors built from these values almost never see.
module Unit07Data =
    let private wave (freq: float) (phase: float) (prototype: int64) (t: float[]) =
        let s = t |> Array.map (fun ti -> Math.Sin(2.0 * Math.PI * (freq * ti - phase)))
        if prototype = 1L then s |> Array.map (fun v -> float (Math.Sign v)) else s

    /// generate_waveform(length_signal, num_samples): t, X (noisy sine or square waves), Y rows
    /// [prototype, frequency, phase, noise_std].
    let generateWaveform (lengthSignal: int) (numSamples: int) : float[] * float[][] * float[][] =
        let r = NumpyRandomState.Default
        let t = NumPy.linspace 0.0 1.0 lengthSignal true
        let rows =
            Array.init numSamples (fun _ ->
                let freq = r.Uniform(1.0, 13.0)
                let phase = r.Uniform(0.0, 1.0)
                let noiseStd = r.Uniform(0.0, 1.0)
                let prototype = r.Randint(0L, 2L)
                let signal = wave freq phase prototype t
                let noise = r.Normal(0.0, noiseStd, lengthSignal)
                Array.map2 (+) signal noise, [| float prototype; freq; phase; noiseStd |])
        t, Array.map fst rows, Array.map snd rows

    /// generate_pointcloud(n_points_per_class, noise, seed): two intertwined spirals (classes 0, 1) and a
    /// Gaussian blob at (-3, -3) (class 2, sklearn's make_blobs on the global generator), as float32 rows.
    let generatePointcloud (nPointsPerClass: int) (noise: float) (seed: int64) : float32[][] * int64[] =
        let r = NumpyRandomState.Default
        r.Seed seed
        let n = nPointsPerClass
        let theta = NumPy.linspace 0.0 (3.2 * Math.PI) n true
        let rad = theta |> Array.map (fun th -> 0.4 * th)
        let noisy (clean: float[]) (shift: float) =
            let z = r.Randn n
            Array.init n (fun i -> clean[i] + (z[i] * noise - shift))
        let x0 = noisy (Array.map2 (fun rr th -> rr * Math.Cos th) rad theta) 0.0
        let y0 = noisy (Array.map2 (fun rr th -> rr * Math.Sin th) rad theta) 0.0
        let thetaB = theta |> Array.map (fun th -> th + Math.PI)
        let x1 = noisy (Array.map2 (fun rr th -> rr * Math.Cos th) rad thetaB) 0.5
        let y1 = noisy (Array.map2 (fun rr th -> rr * Math.Sin th) rad thetaB) 0.0
        let blobs = Sklearn.makeBlobs (Sklearn.BlobSamples.Total n) 2 (Sklearn.BlobCenters.Given(array2D [ [ -3.0; -3.0 ] ])) [| 0.7 |] (-10.0, 10.0) true r
        let rows =
            Array.concat
                [ Array.init n (fun i -> [| float32 x0[i]; float32 y0[i] |])
                  Array.init n (fun i -> [| float32 x1[i]; float32 y1[i] |])
                  Array.init n (fun i -> [| float32 blobs.X[i, 0]; float32 blobs.X[i, 1] |]) ]
        rows, Array.concat [ Array.zeroCreate n; Array.create n 1L; Array.create n 2L ]

/// Unit 7's data sets for C#.
[<AbstractClass; Sealed>]
type Unit07Datasets private () =
    /// generate_waveform(length_signal, num_samples): t, X, Y (rows [prototype, frequency, phase, noise_std]).
    static member Waveforms(lengthSignal: int, numSamples: int) : struct (float[] * float[][] * float[][]) =
        let t, x, y = Unit07Data.generateWaveform lengthSignal numSamples
        struct (t, x, y)

    /// generate_pointcloud(n_points_per_class, noise, seed): float32 points (N, 2) and labels (N).
    static member Pointcloud(nPointsPerClass: int, noise: float, seed: int64) : struct (float32[][] * int64[]) =
        let x, y = Unit07Data.generatePointcloud nPointsPerClass noise seed
        struct (x, y)
