namespace Fluxion.Random

open System

/// torch.linspace and torch.arange as PyTorch 1.13 computes them on AVX2 CPUs (vector width 8 floats / 4 doubles).
module Grids =
    let private badArg (fn: string) (msg: string) = raise (ArgumentException(sprintf "Grids.%s: %s" fn msg))

    // ATen's cpu_serial_kernel_vec runs two vectors per iteration while a full pair fits and finishes the tail with
    // the scalar lambda; these widths are those of Vectorized<float>/Vectorized<double> under AVX2.
    let private w32 = 8
    let private w64 = 4

    let private checkSteps fn steps =
        if steps < 0 then badArg fn (sprintf "number of steps must be non-negative, got %d" steps)

    /// torch.linspace(start, stop, steps) in float32, bit-identical to 1.13 with AVX2.
    /// PyTorch >= 2.0 dropped the vector path and uses the scalar (fused) formula for every element.
    let linspace32 (start: float) (stop: float) (steps: int) : float32[] =
        checkSteps "linspace32" steps
        let s = float32 start
        let e = float32 stop
        if steps = 0 then [||]
        elif steps = 1 then [| s |]
        else
            let r = Array.zeroCreate steps
            let step = (e - s) / float32 (steps - 1)
            let half = steps / 2
            let inline scalarAt i =
                if i < half then MathF.FusedMultiplyAdd(step, float32 i, s)
                else MathF.FusedMultiplyAdd(-step, float32 (steps - 1 - i), e)
            let mutable i = 0
            while i + 2 * w32 <= steps do
                for v in 0 .. 1 do
                    let i0 = i + v * w32
                    // Lanes step on from the vector's first element even past half; the float lanes are not fused.
                    let b = scalarAt i0
                    for l in 0 .. w32 - 1 do
                        r[i0 + l] <- b + float32 l * step
                i <- i + 2 * w32
            while i < steps do
                r[i] <- scalarAt i
                i <- i + 1
            r

    /// torch.linspace(start, stop, steps, dtype=float64) as 1.13 AVX2 computes it (vectors of 4 doubles, unfused lanes).
    /// PyTorch >= 2.0 uses the scalar (fused) formula for every element.
    let linspace64 (start: float) (stop: float) (steps: int) : float[] =
        checkSteps "linspace64" steps
        if steps = 0 then [||]
        elif steps = 1 then [| start |]
        else
            let r = Array.zeroCreate steps
            let step = (stop - start) / float (steps - 1)
            let half = steps / 2
            let inline scalarAt i =
                if i < half then Math.FusedMultiplyAdd(step, float i, start)
                else Math.FusedMultiplyAdd(-step, float (steps - 1 - i), stop)
            let mutable i = 0
            while i + 2 * w64 <= steps do
                for v in 0 .. 1 do
                    let i0 = i + v * w64
                    let b = scalarAt i0
                    for l in 0 .. w64 - 1 do
                        r[i0 + l] <- b + float l * step
                i <- i + 2 * w64
            while i < steps do
                r[i] <- scalarAt i
                i <- i + 1
            r

    let private arangeLength fn (start: float) (stop: float) (step: float) =
        if Double.IsNaN start || Double.IsInfinity start || Double.IsNaN stop || Double.IsInfinity stop then
            badArg fn (sprintf "unsupported range: %g -> %g" start stop)
        if step = 0.0 || Double.IsNaN step then badArg fn (sprintf "step must be nonzero, got %g" step)
        if not ((step > 0.0 && stop >= start) || (step < 0.0 && stop <= start)) then
            badArg fn (sprintf "upper bound and larger bound inconsistent with step sign (start=%g, stop=%g, step=%g)" start stop step)
        let len = Math.Ceiling((stop - start) / step)
        if len > float Int32.MaxValue then badArg fn (sprintf "length %g exceeds an array's capacity" len)
        int len

    /// torch.arange(start, stop, step) in float32 (values computed in double, then rounded), 1.13 AVX2 chunking.
    /// The 2.x sources keep this vectorised arange kernel.
    let arange32 (start: float) (stop: float) (step: float) : float32[] =
        let n = arangeLength "arange32" start stop step
        let r = Array.zeroCreate n
        let mutable i = 0
        while i + 2 * w32 <= n do
            for v in 0 .. 1 do
                let i0 = i + v * w32
                let b = float (float32 (Math.FusedMultiplyAdd(step, float i0, start)))
                // Lane l = f32(fma(l, step, base)) in double: checked on 750 torch 1.13 runs (the unfused form fails some).
                for l in 0 .. w32 - 1 do
                    r[i0 + l] <- float32 (Math.FusedMultiplyAdd(float l, step, b))
            i <- i + 2 * w32
        while i < n do
            r[i] <- float32 (Math.FusedMultiplyAdd(step, float i, start))
            i <- i + 1
        r

    /// torch.arange(start, stop, step, dtype=float64), 1.13 AVX2 chunking (vectors of 4 doubles).
    let arange64 (start: float) (stop: float) (step: float) : float[] =
        let n = arangeLength "arange64" start stop step
        let r = Array.zeroCreate n
        let mutable i = 0
        while i + 2 * w64 <= n do
            for v in 0 .. 1 do
                let i0 = i + v * w64
                let b = Math.FusedMultiplyAdd(step, float i0, start)
                // Unlike the float32 kernel, the double lanes are contracted to an FMA by the compiler.
                for l in 0 .. w64 - 1 do
                    r[i0 + l] <- Math.FusedMultiplyAdd(float l, step, b)
            i <- i + 2 * w64
        while i < n do
            r[i] <- Math.FusedMultiplyAdd(step, float i, start)
            i <- i + 1
        r

    /// torch.arange with integer arguments (int64 result): length ceil((stop-start)/step).
    let arangeInt (start: int64) (stop: int64) (step: int64) : int64[] =
        if step = 0L then badArg "arangeInt" "step must be nonzero"
        if not ((step > 0L && stop >= start) || (step < 0L && stop <= start)) then
            badArg "arangeInt" (sprintf "upper bound and larger bound inconsistent with step sign (start=%d, stop=%d, step=%d)" start stop step)
        let len = Math.Ceiling(float (stop - start) / float step)
        if len > float Int32.MaxValue then badArg "arangeInt" (sprintf "length %g exceeds an array's capacity" len)
        let n = int len
        Array.init n (fun i -> start + step * int64 i)
