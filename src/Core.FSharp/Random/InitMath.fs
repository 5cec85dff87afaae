namespace Fluxion.Random

open System

/// torch.nn.init arithmetic (gains, fans, bounds) in double exactly as the Python code evaluates it.
module InitMath =
    let private badArg (fn: string) (msg: string) = raise (ArgumentException(sprintf "InitMath.%s: %s" fn msg))

    let private shapeText (shape: int[]) =
        if isNull shape then "null" else "[" + String.Join(", ", shape) + "]"

    /// torch.nn.init.calculate_gain; param is leaky_relu's negative slope (default 0.01).
    let calculateGain (nonlinearity: string) (param: float option) : float =
        match nonlinearity with
        | "linear" | "conv1d" | "conv2d" | "conv3d"
        | "conv_transpose1d" | "conv_transpose2d" | "conv_transpose3d" | "sigmoid" -> 1.0
        | "tanh" -> 5.0 / 3.0
        | "relu" -> Math.Sqrt 2.0
        | "leaky_relu" ->
            let slope = defaultArg param 0.01
            Math.Sqrt(2.0 / (1.0 + slope * slope))
        | "selu" -> 3.0 / 4.0
        | other -> badArg "calculateGain" (sprintf "unsupported nonlinearity '%s'" other)

    /// (fan_in, fan_out) of a weight shape: dims 1 and 0 times the product of the remaining (receptive field) dims.
    let fans (shape: int[]) : int * int =
        if isNull shape || shape.Length < 2 then
            badArg "fans" (sprintf "fan in and fan out can not be computed for a shape with fewer than 2 dimensions, got %s" (shapeText shape))
        let mutable receptive = 1
        for i in 2 .. shape.Length - 1 do
            receptive <- receptive * shape[i]
        shape[1] * receptive, shape[0] * receptive

    let private fanFor fn (shape: int[]) (mode: string) =
        let fanIn, fanOut = fans shape
        let fan =
            match mode with
            | "fan_in" -> fanIn
            | "fan_out" -> fanOut
            | m -> badArg fn (sprintf "mode '%s' not supported, use fan_in or fan_out" m)
        if fan <= 0 then badArg fn (sprintf "%s is 0 for shape %s (zero-element tensors are not initialised)" mode (shapeText shape))
        float fan

    /// Standard deviation of kaiming_normal_(a, mode, nonlinearity): gain / sqrt(fan).
    let kaimingNormalStd (shape: int[]) (a: float) (mode: string) (nonlinearity: string) : float =
        let fan = fanFor "kaimingNormalStd" shape mode
        calculateGain nonlinearity (Some a) / Math.Sqrt fan

    /// Bound of kaiming_uniform_(a, mode, nonlinearity): sqrt(3) * gain / sqrt(fan).
    let kaimingUniformBound (shape: int[]) (a: float) (mode: string) (nonlinearity: string) : float =
        let fan = fanFor "kaimingUniformBound" shape mode
        let std = calculateGain nonlinearity (Some a) / Math.Sqrt fan
        Math.Sqrt 3.0 * std

    let private xavierStd fn (shape: int[]) (gain: float) =
        let fanIn, fanOut = fans shape
        if fanIn + fanOut <= 0 then badArg fn (sprintf "fan_in + fan_out is 0 for shape %s" (shapeText shape))
        gain * Math.Sqrt(2.0 / float (fanIn + fanOut))

    /// Standard deviation of xavier_normal_(gain): gain * sqrt(2 / (fan_in + fan_out)).
    let xavierNormalStd (shape: int[]) (gain: float) : float = xavierStd "xavierNormalStd" shape gain

    /// Bound of xavier_uniform_(gain): sqrt(3) * gain * sqrt(2 / (fan_in + fan_out)).
    let xavierUniformBound (shape: int[]) (gain: float) : float =
        Math.Sqrt 3.0 * xavierStd "xavierUniformBound" shape gain

    /// nn.Linear / nn.ConvNd default bounds: (weight bound of kaiming_uniform_ with a=sqrt 5, bias bound 1/sqrt(fan_in)); both 0 when fan_in = 0.
    let linearDefaultBounds (weightShape: int[]) : float * float =
        let fanIn, _ = fans weightShape
        // fan_in = 0 means a zero-element weight, which torch leaves untouched (no bound needed).
        if fanIn <= 0 then 0.0, 0.0
        else kaimingUniformBound weightShape (Math.Sqrt 5.0) "fan_in" "leaky_relu", 1.0 / Math.Sqrt(float fanIn)

    let private numel fn (shape: int[]) =
        let mutable n = 1L
        for d in shape do
            if d < 0 then badArg fn (sprintf "negative dimension in shape %s" (shapeText shape))
            n <- n * int64 d
        if n > int64 Int32.MaxValue then badArg fn (sprintf "shape %s has too many elements" (shapeText shape))
        int n

    /// kaiming_uniform_ on a fresh float32 tensor of the given shape (row-major), drawing from g.
    let kaimingUniform32 (g: Generator) (shape: int[]) (a: float) (mode: string) (nonlinearity: string) : float32[] =
        let n = numel "kaimingUniform32" shape
        if n = 0 then [||]
        else
            let b = kaimingUniformBound shape a mode nonlinearity
            Sampling.uniform32 g n (-b) b

    /// kaiming_normal_ on a fresh float32 tensor of the given shape (row-major), drawing from g.
    let kaimingNormal32 (g: Generator) (shape: int[]) (a: float) (mode: string) (nonlinearity: string) : float32[] =
        let n = numel "kaimingNormal32" shape
        if n = 0 then [||]
        else Sampling.normal32 g n 0.0 (kaimingNormalStd shape a mode nonlinearity)

    /// xavier_uniform_ on a fresh float32 tensor of the given shape, drawing from g.
    let xavierUniform32 (g: Generator) (shape: int[]) (gain: float) : float32[] =
        let n = numel "xavierUniform32" shape
        if n = 0 then [||]
        else
            let b = xavierUniformBound shape gain
            Sampling.uniform32 g n (-b) b

    /// xavier_normal_ on a fresh float32 tensor of the given shape, drawing from g.
    let xavierNormal32 (g: Generator) (shape: int[]) (gain: float) : float32[] =
        let n = numel "xavierNormal32" shape
        if n = 0 then [||]
        else Sampling.normal32 g n 0.0 (xavierNormalStd shape gain)

    /// Default init of nn.Linear / nn.Conv1d: weight (row-major) then bias, in torch's draw order and under one lock of g; bias is empty when hasBias is false.
    let defaultInit32 (g: Generator) (weightShape: int[]) (hasBias: bool) : float32[] * float32[] =
        if isNull g then
            raise (ArgumentNullException("g", "InitMath.defaultInit32: generator is null; pass a Generator (Generator.Default for the global one)"))
        let n = numel "defaultInit32" weightShape
        let wBound, bBound = linearDefaultBounds weightShape
        // Weight and bias come from one uninterrupted stretch of the stream even when g is shared.
        use _ = g.Lock()
        let w = if n = 0 then [||] else Sampling.uniform32 g n (-wBound) wBound
        let b = if hasBias then Sampling.uniform32 g weightShape[0] (-bBound) bBound else [||]
        w, b
