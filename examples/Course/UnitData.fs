namespace Fluxion.Course

open System
open Fluxion.Random

/// The course unit's data sets, reproduced bit for bit from PyTorch 1.13's generator and float32 arithmetic.
module UnitData =
    /// libpcpt's training pairs: manual_seed(0); x = rand(100)*2; y = x + 2*(x-0.9)**2 + 0.3*cos(20*x) + 0.1*randn(100).
    /// Seeds and consumes the global default generator, as the course's library does.
    let trainingPairs () : float32[] * float32[] =
        let g = Generator.Default
        // Seed and draws form one block, so another thread drawing meanwhile cannot change the data.
        use _ = g.Lock()
        Sampling.manualSeed 0L
        let n = 100
        let x = Sampling.rand32 g n
        for i in 0 .. n - 1 do
            x[i] <- x[i] * 2.0f
        // Every tensor op rounds to float32 on its own; Python scalars enter as f32(scalar).
        let angle = Array.init n (fun i -> 20.0f * x[i])
        let c = SleefTrig.cosArray angle
        let noise = Sampling.randn32 g n
        let y =
            Array.init n (fun i ->
                let d = x[i] - 0.9f
                let quad = 2.0f * (d * d)
                let a = x[i] + quad
                let b = a + 0.3f * c[i]
                b + 0.1f * noise[i])
        x, y

    /// Exercise 2's data: manual_seed(0); x = linspace(0, 2.2, 16); y = cos(2*pi*x) + 0.1*randn_like(x).
    /// Seeds and consumes the global default generator; x is the (16,1) column flattened.
    let noisyCosine () : float32[] * float32[] =
        let g = Generator.Default
        use _ = g.Lock()
        Sampling.manualSeed 0L
        let x = Grids.linspace32 0.0 2.2 16
        // Python folds 2*torch.pi in double before the tensor multiply sees f32(6.283185307179586).
        let twoPi = float32 (2.0 * Math.PI)
        let c = SleefTrig.cosArray (Array.map (fun v -> twoPi * v) x)
        let noise = Sampling.randn32 g x.Length
        let y = Array.init x.Length (fun i -> c[i] + 0.1f * noise[i])
        x, y

    /// Himmelblau's function f(u, v) = (u^2 + v - 11)^2 + (u + v^2 - 7)^2 in double.
    let himmelblau (u: float) (v: float) : float =
        let a = u * u + v - 11.0
        let b = u + v * v - 7.0
        a * a + b * b
