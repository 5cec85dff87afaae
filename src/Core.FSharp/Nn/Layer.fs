namespace Fluxion.Nn

open System
open System.Collections.Generic
open Fluxion
open Fluxion.Ops
open Fluxion.Random
open Fluxion.Printing

/// How a layer runs: training or evaluation, and the generator that random layers (Dropout) draw from.
type Mode =
    { Training: bool
      Generator: Generator }

    /// Evaluation mode (Dropout is the identity, BatchNorm uses its running statistics).
    static member Eval = { Training = false; Generator = Generator.Default }
    /// Training mode drawing from the given generator.
    static member Train(g: Generator) = { Training = true; Generator = g }

/// A layer as an immutable value: what it is called and prints (`Linear(in_features=2, ...)`), how its
/// parameters are created (PyTorch's default initialisation, draw for draw) and a pure forward function.
/// Equality is identity: using the same layer value twice shares its parameters.
[<ReferenceEquality>]
type Layer =
    internal
        { LayerName: string
          ExtraText: string
          /// Named sub-layers in attribute order (a layer may appear under several names: shared weights).
          ChildLayers: (string * Layer)[]
          KernelInfo: SummaryKernel
          InitFn: Generator -> Params
          BuffersFn: unit -> Params
          RunFn: Mode -> Params -> Params -> Tensor -> Tensor * Params
          /// For containers: the forward recipe over named children (`call "linear1" x`).
          ComposeFn: ((string -> Tensor -> Tensor) -> Tensor -> Tensor) option
          /// Made by `-->`: a further `-->` extends this Sequential instead of nesting it.
          IsChain: bool }

    /// Class name as PyTorch prints it (`Linear`, `Sequential`, `NeuralNetTwoLayer`).
    member l.Name : string = l.LayerName
    /// PyTorch's `extra_repr` (empty for none).
    member l.Extra : string = l.ExtraText
    /// Named sub-layers in attribute order (a layer may appear under several names: shared weights).
    member l.Children : KeyValuePair<string, Layer>[] = l.ChildLayers |> Array.map (fun (n, c) -> KeyValuePair(n, c))
    /// The `kernel_size` torchinfo shows.
    member l.Kernel : SummaryKernel = l.KernelInfo
    /// True when made by `-->` (a further `-->` extends this Sequential instead of nesting it).
    member l.Chain : bool = l.IsChain
    /// Creates the trainable parameters, drawing from the generator in PyTorch's order.
    member l.Init(generator: Generator) : Params = l.InitFn generator
    /// Creates the non-trainable state (PyTorch's buffers, e.g. BatchNorm's running statistics).
    member l.Buffers() : Params = l.BuffersFn()
    /// The forward pass: mode, parameters, state and input give the output and the new state.
    member l.Run(mode: Mode, p: Params, state: Params, x: Tensor) : struct (Tensor * Params) =
        let y, s = l.RunFn mode p state x
        struct (y, s)
    /// The output in evaluation mode with the initial state (pure: for parameter-only layers the whole story).
    member l.Apply(p: Params, x: Tensor) : Tensor = fst (l.RunFn Mode.Eval p (l.BuffersFn()) x)
    /// The output and the new state in the given mode.
    member l.ApplyWithState(mode: Mode, p: Params, state: Params, x: Tensor) : struct (Tensor * Params) = l.Run(mode, p, state, x)
    /// PyTorch's module repr.
    override l.ToString() =
        ModuleFormat.moduleRepr l.LayerName (ModuleFormat.extraLines l.ExtraText) [ for n, c in l.ChildLayers -> n, c.ToString() ]

/// Building layers: PyTorch's standard layers, containers and composition.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Layer =
    let private shp (s: int[]) = "(" + String.Join(", ", s) + ")"
    let private noState () = Params.empty

    /// The leaf named `name` in a parameter group (fast path of Params.find for one level).
    let field (name: string) (p: Params) : Tensor =
        match p with
        | Params.Group cs ->
            let mutable r = Unchecked.defaultof<Tensor>
            for (n, c) in cs do
                match c with
                | Params.Leaf t when n = name -> r <- t
                | _ -> ()
            if isNull (box r) then raise (KeyNotFoundException(sprintf "layer parameters have no '%s' (got %s)" name (String.Join(", ", cs |> Array.map fst))))
            r
        | Params.Leaf _ -> raise (KeyNotFoundException(sprintf "layer parameters: expected a group holding '%s', got a leaf" name))

    /// The leaf named `name`, if present.
    let tryField (name: string) (p: Params) : Tensor option =
        match p with
        | Params.Group cs -> cs |> Array.tryPick (fun (n, c) -> match c with Params.Leaf t when n = name -> Some t | _ -> None)
        | _ -> None

    let private childOf (name: string) (p: Params) =
        match p with
        | Params.Group cs -> (match cs |> Array.tryFind (fun (n, _) -> n = name) with Some(_, c) -> c | None -> Params.empty)
        | _ -> Params.empty

    let private isEmpty (p: Params) = match p with Params.Group [||] -> true | _ -> false

    /// A layer without parameters or state.
    let stateless (name: string) (extra: string) (kernel: SummaryKernel) (f: Mode -> Tensor -> Tensor) : Layer =
        { LayerName = name; ExtraText = extra; ChildLayers = [||]; KernelInfo = kernel; InitFn = (fun _ -> Params.empty); BuffersFn = noState
          RunFn = (fun mode _ s x -> f mode x, s); ComposeFn = None; IsChain = false }

    /// A parameter-free function as a layer (`Layer.ofFunction "ReLU" Tensor.relu`).
    let ofFunction (name: string) (f: Tensor -> Tensor) : Layer = stateless name "" NoKernel (fun _ x -> f x)

    /// A container running `forward` over named children; a child listed twice (same value) shares its
    /// parameters, which are stored under its first name. Params are grouped by child name.
    let composite (name: string) (children: (string * Layer) seq) (forward: (string -> Tensor -> Tensor) -> Tensor -> Tensor) : Layer =
        let children = Array.ofSeq children
        let names = children |> Array.map fst
        if (Array.distinct names).Length <> names.Length then
            invalidArg "children" (sprintf "%s: child names must be unique, got %s" name (String.Join(", ", names)))
        // Storage key of each child: the name of its first occurrence.
        let keys = children |> Array.map (fun (_, c) -> fst (children |> Array.find (fun (_, d) -> obj.ReferenceEquals(c, d))))
        let firsts = children |> Array.mapi (fun i (n, c) -> i, n, c) |> Array.filter (fun (i, n, _) -> keys.[i] = n)
        let index = Dictionary<string, int>()
        children |> Array.iteri (fun i (n, _) -> index.[n] <- i)
        let init g =
            Params.Group [| for _, n, c in firsts do
                              let p = c.Init g
                              if not (isEmpty p) then yield n, p |]
        let buffers () =
            Params.Group [| for _, n, c in firsts do
                              let s = c.Buffers()
                              if not (isEmpty s) then yield n, s |]
        let run mode p s x =
            let states = Dictionary<string, Params>()
            let call (childName: string) (x: Tensor) =
                let i =
                    match index.TryGetValue childName with
                    | true, i -> i
                    | _ -> invalidArg "name" (sprintf "%s: no child '%s' (children: %s)" name childName (String.Join(", ", names)))
                let c = snd children.[i]
                let key = keys.[i]
                let cs = match states.TryGetValue key with | true, v -> v | _ -> childOf key s
                let y, s' =
                    try c.RunFn mode (childOf key p) cs x
                    with
                    | :? LayerException as e -> raise (e.Under childName)
                    | :? ArgumentException as e -> raise (LayerException([| childName |], e.Message, e))
                states.[key] <- s'
                y
            let y = forward call x
            let s' =
                Params.Group [| for _, n, c in firsts do
                                  let st = match states.TryGetValue n with | true, v -> v | _ -> childOf n s
                                  if not (isEmpty st) then yield n, st |]
            y, s'
        { LayerName = name; ExtraText = ""; ChildLayers = children; KernelInfo = NoKernel; InitFn = init; BuffersFn = buffers; RunFn = run
          ComposeFn = Some forward; IsChain = false }

    /// PyTorch's `nn.Sequential`: children named 0, 1, ... applied in order.
    let sequential (layers: Layer seq) : Layer =
        let children = layers |> Seq.mapi (fun i l -> string i, l) |> Array.ofSeq
        composite "Sequential" children (fun call x ->
            let mutable y = x
            for n, _ in children do y <- call n y
            y)

    /// `a --> b`: a Sequential of both (extending a Sequential made by `-->`).
    let chain (a: Layer) (b: Layer) : Layer =
        let items = if a.IsChain then Array.map snd a.ChildLayers else [| a |]
        { sequential (Array.append items [| b |]) with IsChain = true }

    // ------------------------------------------------------------------ layers with parameters

    let private paramGroup (entries: (string * Tensor) list) = Params.Group [| for n, t in entries -> n, Params.Leaf t |]

    /// `nn.Linear(inF, outF, bias)`: y = x Wᵀ + b on inputs (*, inF); PyTorch's default init.
    let linearWith (inF: int) (outF: int) (bias: bool) : Layer =
        if inF < 0 || outF < 0 then invalidArg "inF" (sprintf "Linear: feature counts must be non-negative, got in=%d out=%d" inF outF)
        let init g =
            let w, b = InitMath.defaultInit32 g [| outF; inF |] bias
            paramGroup [ yield "weight", Creation.ofFloat32 [| outF; inF |] w
                         if bias then yield "bias", Creation.ofFloat32 [| outF |] b ]
        // The bias option of the last call, reused while the bias tensor is the same (a module's parameters
        // change only when replaced); a race only costs a fresh option.
        let mutable lastBias : Tensor option = None
        let run _ p s (x: Tensor) =
            let xs = x.Shape
            if xs.Length = 0 || xs.[xs.Length - 1] <> inF then
                raise (ShapeException(sprintf "Linear(%d→%d) expects input (*, %d), got %s" inF outF inF (shp xs)))
            let b =
                if not bias then None
                else
                    let t = field "bias" p
                    match lastBias with
                    | Some l when obj.ReferenceEquals(l, t) -> lastBias
                    | _ ->
                        let o = Some t
                        lastBias <- o
                        o
            Functional.linear (field "weight" p) b x, s
        { LayerName = "Linear"; ExtraText = ModuleFormat.linearExtra inF outF bias; ChildLayers = [||]; KernelInfo = NoKernel
          InitFn = init; BuffersFn = noState; RunFn = run; ComposeFn = None; IsChain = false }

    /// `nn.Linear(inF, outF)` with bias.
    let linear (inF: int) (outF: int) : Layer = linearWith inF outF true

    /// `nn.Conv1d` with every option; padding modes zeros, reflect, replicate and circular.
    let conv1dWith (inC: int) (outC: int) (kernel: int) (stride: int) (padding: ConvPadding) (dilation: int)
                   (groups: int) (bias: bool) (paddingMode: string) : Layer =
        let bad fmt = Printf.ksprintf (fun s -> raise (ArgumentException("Conv1d: " + s))) fmt
        if inC < 0 then raise (ArgumentOutOfRangeException("inChannels", sprintf "Conv1d: in_channels must be non-negative, got %d" inC))
        if outC < 0 then raise (ArgumentOutOfRangeException("outChannels", sprintf "Conv1d: out_channels must be non-negative, got %d" outC))
        if groups < 1 || inC % groups <> 0 then bad "in_channels %d must be divisible by groups %d" inC groups
        if outC % groups <> 0 then bad "out_channels %d must be divisible by groups %d" outC groups
        if kernel < 1 || stride < 1 || dilation < 1 then bad "kernel_size %d, stride %d and dilation %d must be >= 1" kernel stride dilation
        if not (List.contains paddingMode [ "zeros"; "reflect"; "replicate"; "circular" ]) then
            bad "padding_mode must be 'zeros', 'reflect', 'replicate' or 'circular', got '%s'" paddingMode
        let left, right =
            match padding with
            | Explicit [| p |] when p >= 0 -> p, p
            | Explicit p -> bad "padding must be one non-negative int, got %A" p
            | Valid -> 0, 0
            | Same ->
                if stride <> 1 then bad "padding='same' is not supported for strided convolutions (stride %d)" stride
                let total = dilation * (kernel - 1)
                total / 2, total - total / 2
        let title = sprintf "Conv1d(%d→%d, kernel_size=%d)" inC outC kernel
        let wShape = [| outC; inC / groups; kernel |]
        let init g =
            let w, b = InitMath.defaultInit32 g wShape bias
            paramGroup [ yield "weight", Creation.ofFloat32 wShape w
                         if bias then yield "bias", Creation.ofFloat32 [| outC |] b ]
        let run _ p s (x: Tensor) =
            let xs = x.Shape
            let ok = (xs.Length = 3 && xs.[1] = inC) || (xs.Length = 2 && xs.[0] = inC)
            if not ok then
                let hint =
                    if xs.Length = 2 && inC = 1 then sprintf "; a batch of one-channel signals needs shape (%d, 1, %d) (unsqueeze(1))" xs.[0] xs.[1]
                    else ""
                raise (ShapeException(sprintf "%s expects input (N, %d, L) or unbatched (%d, L), got %s%s" title inC inC (shp xs) hint))
            let w = field "weight" p
            let b = if bias then Some(field "bias" p) else None
            let y =
                if paddingMode = "zeros" && left = right then Convolution.conv1d stride left dilation groups w b x
                else Convolution.conv1d stride 0 dilation groups w b (Functional.padLast paddingMode left right x)
            y, s
        { LayerName = "Conv1d"; ExtraText = ModuleFormat.conv1dExtra inC outC kernel stride padding dilation groups bias paddingMode
          ChildLayers = [||]; KernelInfo = KernelList [| kernel |]; InitFn = init; BuffersFn = noState; RunFn = run; ComposeFn = None; IsChain = false }

    /// `nn.Conv1d(inC, outC, kernel)` with stride 1, no padding, bias.
    let conv1d (inC: int) (outC: int) (kernel: int) : Layer = conv1dWith inC outC kernel 1 (Explicit [| 0 |]) 1 1 true "zeros"

    /// `nn.BatchNorm1d(numFeatures, eps, momentum, affine, track_running_stats)`; momentum None = cumulative average.
    let batchNorm1dWith (numFeatures: int) (eps: float) (momentum: float option) (affine: bool) (trackRunningStats: bool) : Layer =
        if numFeatures < 0 then raise (ArgumentOutOfRangeException("numFeatures", sprintf "BatchNorm1d: num_features must be non-negative, got %d" numFeatures))
        let title = sprintf "BatchNorm1d(%d)" numFeatures
        let init _ =
            if affine then paramGroup [ "weight", Tensor.ones [| numFeatures |]; "bias", Tensor.zeros [| numFeatures |] ]
            else Params.empty
        let buffers () =
            if trackRunningStats then
                paramGroup [ "running_mean", Tensor.zeros [| numFeatures |]; "running_var", Tensor.ones [| numFeatures |]
                             "num_batches_tracked", Creation.zeros [||] Dtype.Int64 ]
            else Params.empty
        let run (mode: Mode) p s (x: Tensor) =
            let xs = x.Shape
            if xs.Length <> 2 && xs.Length <> 3 then
                raise (ShapeException(sprintf "expected 2D or 3D input (got %dD input); %s expects input (N, %d) or (N, %d, L), got %s"
                                          xs.Length title numFeatures numFeatures (shp xs), "x"))
            if xs.[1] <> numFeatures then
                raise (ShapeException(sprintf "running_mean should contain %d elements not %d; %s expects input (N, %d) or (N, %d, L), got %s"
                                          xs.[1] numFeatures title numFeatures numFeatures (shp xs), "x"))
            let w, b = (if affine then Some(field "weight" p), Some(field "bias" p) else None, None)
            let rm, rv = (if trackRunningStats then Some(field "running_mean" s), Some(field "running_var" s) else None, None)
            let count = if trackRunningStats then (field "num_batches_tracked" s).ToDouble() + 1.0 else 1.0
            let m = match momentum with Some m -> m | None -> 1.0 / count
            let y, upd = Functional.batchNorm w b rm rv mode.Training m eps x
            match upd with
            | Some(nm, nv) ->
                y, paramGroup [ "running_mean", nm.Cast (field "running_mean" s).Dtype; "running_var", nv.Cast (field "running_var" s).Dtype
                                "num_batches_tracked", Creation.scalar count Dtype.Int64 ]
            | None -> y, s
        { LayerName = "BatchNorm1d"; ExtraText = ModuleFormat.batchNorm1dExtra numFeatures eps momentum affine trackRunningStats
          ChildLayers = [||]; KernelInfo = NoKernel; InitFn = init; BuffersFn = buffers; RunFn = run; ComposeFn = None; IsChain = false }

    /// `nn.BatchNorm1d(numFeatures)`: eps 1e-5, momentum 0.1, affine, tracking running statistics.
    let batchNorm1d (numFeatures: int) : Layer = batchNorm1dWith numFeatures 1e-5 (Some 0.1) true true

    let private rnnInit (hidden: int) (names: string list) (shapes: int[] list) (g: Generator) =
        // PyTorch: every parameter ~ U(-1/sqrt(hidden), 1/sqrt(hidden)), in parameter order.
        let k = if hidden > 0 then 1.0 / Math.Sqrt(float hidden) else 0.0
        paramGroup (List.map2 (fun n (s: int[]) -> n, Creation.ofFloat32 s (Sampling.uniform32 g (Shape.numel s) (-k) k)) names shapes)

    let private rnnActivation (op: string) (nonlinearity: string) : Tensor -> Tensor =
        match nonlinearity with
        | "tanh" -> Elementwise.tanh
        | "relu" -> Elementwise.relu
        | null -> raise (ArgumentNullException("nonlinearity", op + ": nonlinearity is null; pass \"tanh\" or \"relu\""))
        | other -> invalidArg "nonlinearity" (sprintf "Unknown nonlinearity '%s' (%s supports \"tanh\" and \"relu\")" other op)

    /// Zeros of the given shape on x's backend and dtype (a libtorch input gets a libtorch hidden state).
    let private zerosOn (x: Tensor) (shape: int[]) = Tensor.OfRaw(x.Raw.Backend.Full(shape, 0.0, x.Dtype))

    /// One RNN step as PyTorch's CPU cell computes it: act((h Whhᵀ + bhh) + xw), where xw = x Wihᵀ + bih was
    /// computed for the whole sequence at once.
    let private rnnStep (act: Tensor -> Tensor) (whh: Tensor) (bhh: Tensor option) (h: Tensor) (xw: Tensor) =
        act (Functional.linear whh bhh h + xw)

    /// One step of an RNNCell's parameters from hidden state h (or zeros), with PyTorch's checks and messages;
    /// input (N, Hin) or unbatched (Hin), h (N, H) or (H).
    let rnnCellForward (nonlinearity: string) (p: Params) (h: Tensor option) (x: Tensor) : Tensor =
        let act = rnnActivation "RNNCell" nonlinearity
        let wih, whh = field "weight_ih" p, field "weight_hh" p
        let hidden, inputSize = whh.Shape.[0], wih.Shape.[1]
        if x.Dim <> 1 && x.Dim <> 2 then
            raise (ShapeException(sprintf "RNNCell: Expected input to be 1-D or 2-D but received %d-D tensor" x.Dim, "x"))
        let batched = x.Dim = 2
        let x2 = if batched then x else x.Reshape [| 1; x.Shape.[0] |]
        let h2 =
            match h with
            | None -> zerosOn x [| x2.Shape.[0]; hidden |]
            | Some h -> if batched then h else h.Reshape(Array.append [| 1 |] h.Shape)
        if x2.Shape.[1] <> inputSize then
            raise (ShapeException(sprintf "input has inconsistent input_size: got %d expected %d" x2.Shape.[1] inputSize, "x"))
        if h2.Dim = 0 || x2.Shape.[0] <> h2.Shape.[0] then
            raise (ShapeException(sprintf "Input batch size %d doesn't match hidden0 batch size %d" x2.Shape.[0] (if h2.Dim = 0 then 0 else h2.Shape.[0]), "h"))
        if h2.Dim <> 2 then
            raise (ShapeException(sprintf "RNNCell: Expected hidden to be %d-D for a %d-D input, got %d-D" x.Dim x.Dim h.Value.Dim, "h"))
        if h2.Shape.[1] <> hidden then
            raise (ShapeException(sprintf "hidden0 has inconsistent hidden_size: got %d, expected %d" h2.Shape.[h2.Dim - 1] hidden, "h"))
        let y = act (Functional.linear wih (tryField "bias_ih" p) x2 + Functional.linear whh (tryField "bias_hh" p) h2)
        if batched then y else y.Reshape [| hidden |]

    /// `nn.RNNCell(inputSize, hiddenSize, bias, nonlinearity)` ("tanh" or "relu"); as a layer it starts from a
    /// zero hidden state.
    let rnnCellOf (inputSize: int) (hidden: int) (bias: bool) (nonlinearity: string) : Layer =
        if inputSize < 0 then raise (ArgumentOutOfRangeException("inputSize", sprintf "RNNCell: input_size must be non-negative, got %d" inputSize))
        if hidden < 0 then raise (ArgumentOutOfRangeException("hiddenSize", sprintf "RNNCell: hidden_size must be non-negative, got %d" hidden))
        rnnActivation "RNNCell" nonlinearity |> ignore
        let names = [ "weight_ih"; "weight_hh" ] @ (if bias then [ "bias_ih"; "bias_hh" ] else [])
        let shapes = [ [| hidden; inputSize |]; [| hidden; hidden |] ] @ (if bias then [ [| hidden |]; [| hidden |] ] else [])
        let run _ p s (x: Tensor) = rnnCellForward nonlinearity p None x, s
        { LayerName = "RNNCell"
          ExtraText = sprintf "%d, %d%s%s" inputSize hidden (if bias then "" else ", bias=False") (if nonlinearity = "tanh" then "" else ", nonlinearity=" + nonlinearity)
          ChildLayers = [||]; KernelInfo = NoKernel; InitFn = rnnInit hidden names shapes; BuffersFn = noState; RunFn = run; ComposeFn = None; IsChain = false }

    /// `nn.RNNCell(inputSize, hiddenSize, bias)` with tanh; as a layer it starts from a zero hidden state.
    let rnnCellWith (inputSize: int) (hidden: int) (bias: bool) : Layer = rnnCellOf inputSize hidden bias "tanh"

    /// PyTorch's parameter names and shapes of an RNN: per layer, per direction, `weight_ih_l{k}`,
    /// `weight_hh_l{k}` (+ `bias_ih_l{k}`, `bias_hh_l{k}`), the reverse direction suffixed `_reverse`.
    let private rnnParameterLayout (inputSize: int) (hidden: int) (numLayers: int) (bias: bool) (bidirectional: bool) =
        let dirs = if bidirectional then 2 else 1
        [ for l in 0 .. numLayers - 1 do
            for d in 0 .. dirs - 1 do
                let sfx = sprintf "_l%d%s" l (if d = 1 then "_reverse" else "")
                let inW = if l = 0 then inputSize else hidden * dirs
                yield "weight_ih" + sfx, [| hidden; inW |]
                yield "weight_hh" + sfx, [| hidden; hidden |]
                if bias then
                    yield "bias_ih" + sfx, [| hidden |]
                    yield "bias_hh" + sfx, [| hidden |] ]

    /// The multi-layer RNN forward pass as PyTorch 1.13 runs it on the CPU, checks and messages included:
    /// input (L, N, Hin) ((N, L, Hin) when batchFirst) or unbatched (L, Hin); h0 (D·numLayers, N, H), unbatched
    /// (D·numLayers, H), or zeros; dropout on every layer's output but the last in training, drawn from the
    /// mode's generator. Returns (output, h_n).
    let rnnForwardFull (numLayers: int) (nonlinearity: string) (batchFirst: bool) (dropout: float) (bidirectional: bool)
                       (mode: Mode) (p: Params) (h0: Tensor option) (x: Tensor) : Tensor * Tensor =
        let act = rnnActivation "RNN" nonlinearity
        let dirs = if bidirectional then 2 else 1
        let inputSize = (field "weight_ih_l0" p).Shape.[1]
        let hidden = (field "weight_hh_l0" p).Shape.[0]
        // PyTorch's order: an unbatched input (any dimension count but 3) is unsqueezed first, then hx's
        // dimension count is checked, then the input's (so a 4-D input reports 5 dimensions, as PyTorch does).
        let batched = x.Dim = 3
        let batchDim = if batchFirst then 0 else 1
        let unsqueezeAt (t: Tensor) (d: int) =
            let s = t.Shape
            if d > s.Length then raise (ShapeException(sprintf "input must have 3 dimensions, got %d (RNN expects (L, N, H_in) or unbatched (L, H_in))" s.Length, "x"))
            t.Reshape(Array.concat [ s.[.. d - 1]; [| 1 |]; s.[d ..] ])
        let x3, hx =
            if not batched then
                let h = h0 |> Option.map (fun h ->
                    if h.Dim <> 2 then raise (ShapeException(sprintf "For unbatched 2-D input, hx should also be 2-D but got %d-D tensor" h.Dim, "h0"))
                    unsqueezeAt h 1)
                unsqueezeAt x batchDim, h
            else
                match h0 with
                | Some h when h.Dim <> 3 -> raise (ShapeException(sprintf "For batched 3-D input, hx should also be 3-D but got %d-D tensor" h.Dim, "h0"))
                | _ -> x, h0
        // PyTorch's text first, then what this layer accepts.
        let accepts () =
            sprintf " (RNN(%d→%d) expects input %s or unbatched (L, %d), got %s)" inputSize hidden
                (if batchFirst then sprintf "(N, L, %d)" inputSize else sprintf "(L, N, %d)" inputSize) inputSize (shp x.Shape)
        if x3.Dim <> 3 then raise (ShapeException(sprintf "input must have 3 dimensions, got %d%s" x3.Dim (accepts ()), "x"))
        if x3.Shape.[2] <> inputSize then
            raise (ShapeException(sprintf "input.size(-1) must be equal to input_size. Expected %d, got %d%s" inputSize x3.Shape.[2] (accepts ()), "x"))
        let batch = x3.Shape.[batchDim]
        let expectedH = [| dirs * numLayers; batch; hidden |]
        let hx =
            match hx with
            | Some h ->
                if h.Shape <> expectedH then
                    raise (ShapeException(sprintf "Expected hidden size (%s), got [%s]" (String.Join(", ", expectedH)) (String.Join(", ", h.Shape)), "h0"))
                h
            | None -> zerosOn x expectedH
        let seq = if batchFirst then x3.Transpose(0, 1) else x3
        let steps = seq.Shape.[0]
        if steps = 0 then raise (ShapeException("Expected sequence length to be larger than 0 in RNN", "x"))
        let finals = Array.zeroCreate (dirs * numLayers)
        let mutable input = seq
        for l in 0 .. numLayers - 1 do
            let direction d =
                let sfx = sprintf "_l%d%s" l (if d = 1 then "_reverse" else "")
                let whh, bhh = field ("weight_hh" + sfx) p, tryField ("bias_hh" + sfx) p
                // The input projection of the whole sequence is one product, as in PyTorch's CPU layer.
                let xw = Functional.linear (field ("weight_ih" + sfx) p) (tryField ("bias_ih" + sfx) p) input
                let mutable h = hx.Select(0, l * dirs + d)
                let outs = Array.zeroCreate steps
                for i in 0 .. steps - 1 do
                    let t = if d = 0 then i else steps - 1 - i
                    h <- rnnStep act whh bhh h (xw.Select(0, t))
                    outs.[t] <- h
                finals.[l * dirs + d] <- h
                Shapes.stack 0 outs
            let out = if dirs = 2 then Shapes.cat 2 [| direction 0; direction 1 |] else direction 0
            input <- if mode.Training && dropout > 0.0 && l < numLayers - 1 then Functional.dropout mode.Generator dropout true out else out
        let hn = Shapes.stack 0 finals
        let output = if batchFirst then input.Transpose(0, 1) else input
        if batched then output, hn
        else output.Reshape [| steps; dirs * hidden |], hn.Reshape [| dirs * numLayers; hidden |]

    /// The tanh RNN over a sequence (layers and directions read from the parameter names): input (L, Hin) or
    /// (L, N, Hin) ((N, L, Hin) when batchFirst), hidden state h0 (or zeros); returns every step's hidden
    /// state and the last one.
    let rnnForward (p: Params) (batchFirst: bool) (h0: Tensor option) (x: Tensor) : Tensor * Tensor =
        let names = match p with Params.Group cs -> cs |> Array.map fst | _ -> [||]
        let layers = names |> Array.filter (fun n -> n.StartsWith "weight_ih_l" && not (n.EndsWith "_reverse")) |> Array.length
        let bi = names |> Array.exists (fun n -> n.EndsWith "_reverse")
        rnnForwardFull layers "tanh" batchFirst 0.0 bi Mode.Eval p h0 x

    /// `nn.RNN(inputSize, hiddenSize, numLayers, nonlinearity, bias, batchFirst, dropout, bidirectional)`; as a
    /// layer it returns the output sequence (`rnnForwardFull` also gives h_n and takes h0).
    let rnnFull (inputSize: int) (hidden: int) (numLayers: int) (nonlinearity: string) (bias: bool) (batchFirst: bool)
                (dropout: float) (bidirectional: bool) : Layer =
        if inputSize < 0 then raise (ArgumentOutOfRangeException("inputSize", sprintf "RNN: input_size must be non-negative, got %d" inputSize))
        if hidden < 1 then raise (ArgumentOutOfRangeException("hiddenSize", sprintf "RNN: hidden_size must be positive, got %d" hidden))
        if numLayers < 1 then raise (ArgumentOutOfRangeException("numLayers", sprintf "RNN: num_layers must be positive, got %d" numLayers))
        if not (dropout >= 0.0 && dropout <= 1.0) then
            raise (ArgumentOutOfRangeException("dropout", sprintf "dropout should be a number in range [0, 1] representing the probability of an element being zeroed (got %s)" (PyFormat.floatRepr dropout)))
        rnnActivation "RNN" nonlinearity |> ignore
        let layout = rnnParameterLayout inputSize hidden numLayers bias bidirectional
        let run mode p s (x: Tensor) = fst (rnnForwardFull numLayers nonlinearity batchFirst dropout bidirectional mode p None x), s
        { LayerName = "RNN"; ExtraText = ModuleFormat.rnnExtra inputSize hidden 0 numLayers bias batchFirst dropout bidirectional
          ChildLayers = [||]; KernelInfo = NoKernel; InitFn = rnnInit hidden (List.map fst layout) (List.map snd layout)
          BuffersFn = noState; RunFn = run; ComposeFn = None; IsChain = false }

    /// `nn.RNN(inputSize, hiddenSize)` with one layer and tanh; as a layer it returns the output sequence.
    let rnnWith (inputSize: int) (hidden: int) (bias: bool) (batchFirst: bool) : Layer =
        rnnFull inputSize hidden 1 "tanh" bias batchFirst 0.0 false

    /// `nn.RNN(inputSize, hiddenSize)`.
    let rnn (inputSize: int) (hidden: int) : Layer = rnnWith inputSize hidden true false

    // ------------------------------------------------------------------ parameter-free layers

    /// `nn.ReLU()`.
    let relu = ofFunction "ReLU" Elementwise.relu
    /// `nn.Sigmoid()`.
    let sigmoid = ofFunction "Sigmoid" Elementwise.sigmoid
    /// `nn.Tanh()`.
    let tanh = ofFunction "Tanh" Elementwise.tanh
    /// `nn.Identity()`.
    let identity = ofFunction "Identity" id
    /// `nn.LeakyReLU(negativeSlope)`.
    let leakyRelu (negativeSlope: float) =
        stateless "LeakyReLU" (ModuleFormat.leakyReluExtra negativeSlope false) NoKernel (fun _ x -> Elementwise.leakyRelu negativeSlope x)
    /// `nn.ELU(alpha)`.
    let elu (alpha: float) = stateless "ELU" (ModuleFormat.eluExtra alpha false) NoKernel (fun _ x -> Elementwise.elu alpha x)
    /// `nn.GELU(approximate)` with approximate "none" (exact) or "tanh".
    let geluWith (approximate: string) =
        let f =
            match approximate with
            | "none" -> Elementwise.gelu
            | "tanh" -> Functional.geluTanh
            | a -> invalidArg "approximate" (sprintf "GELU: approximate must be 'none' or 'tanh', got '%s'" a)
        stateless "GELU" (ModuleFormat.geluExtra approximate) NoKernel (fun _ x -> f x)
    /// `nn.GELU()` (exact).
    let gelu = geluWith "none"
    /// `nn.Softplus(beta, threshold)`; PyTorch's defaults are the ints 1 and 20.
    let softplusWith (beta: PyNumber) (threshold: PyNumber) =
        let v n = match n with PyInt i -> float i | PyFloat f -> f
        stateless "Softplus" (ModuleFormat.softplusExtra beta threshold) NoKernel (fun _ x -> Functional.softplus (v beta) (v threshold) x)
    /// `nn.Softplus()`.
    let softplus = softplusWith (PyInt 1L) (PyInt 20L)
    let private softmaxLike (name: string) (f: int -> Tensor -> Tensor) (dim: int option) =
        stateless name (ModuleFormat.softmaxExtra dim) NoKernel (fun _ x ->
            f (match dim with Some d -> d | None -> Functional.implicitSoftmaxDim x.Dim) x)
    /// `nn.Softmax(dim)`.
    let softmax (dim: int) = softmaxLike "Softmax" Reductions.softmax (Some dim)
    /// `nn.Softmax()` without a dim (PyTorch's legacy implicit choice).
    let softmaxImplicit = softmaxLike "Softmax" Reductions.softmax None
    /// `nn.LogSoftmax(dim)`.
    let logSoftmax (dim: int) = softmaxLike "LogSoftmax" Reductions.logSoftmax (Some dim)
    /// `nn.Flatten(startDim, endDim)`.
    let flattenWith (startDim: int) (endDim: int) =
        stateless "Flatten" (ModuleFormat.flattenExtra startDim endDim) NoKernel (fun _ x -> Shapes.flatten startDim endDim x)
    /// `nn.Flatten()`: dims 1..-1.
    let flatten = flattenWith 1 -1
    /// `nn.Dropout(p)`: random zeroing in training (drawing from the mode's generator), identity in evaluation.
    let dropout (p: float) =
        if not (p >= 0.0 && p <= 1.0) then raise (ArgumentOutOfRangeException("p", sprintf "Dropout: dropout probability has to be between 0 and 1, but got %g" p))
        stateless "Dropout" (ModuleFormat.dropoutExtra p false) NoKernel (fun mode x -> Functional.dropout mode.Generator p mode.Training x)
    /// `nn.MaxPool1d(kernel, stride, padding, dilation, ceil_mode)`.
    let maxPool1dWith (kernel: int) (stride: int) (padding: int) (dilation: int) (ceilMode: bool) =
        stateless "MaxPool1d" (ModuleFormat.maxPool1dExtra kernel stride padding dilation ceilMode) (KernelInt kernel) (fun _ x ->
            if x.Dim <> 2 && x.Dim <> 3 then
                raise (ShapeException(sprintf "MaxPool1d(kernel_size=%d) expects input (N, C, L) or (C, L), got %s" kernel (shp x.Shape)))
            Convolution.maxPool1dCeil kernel stride padding dilation ceilMode x)
    /// `nn.MaxPool1d(kernel)`: stride = kernel.
    let maxPool1d (kernel: int) = maxPool1dWith kernel kernel 0 1 false
    /// `nn.AvgPool1d(kernel, stride, padding, ceil_mode, count_include_pad)` (PyTorch's repr shows neither flag).
    let avgPool1dModes (kernel: int) (stride: int) (padding: int) (ceilMode: bool) (countIncludePad: bool) =
        stateless "AvgPool1d" (ModuleFormat.avgPool1dExtra kernel stride padding) (KernelList [| kernel |]) (fun _ x ->
            if x.Dim <> 2 && x.Dim <> 3 then
                raise (ShapeException(sprintf "AvgPool1d(kernel_size=%d) expects input (N, C, L) or (C, L), got %s" kernel (shp x.Shape)))
            Convolution.avgPool1dWith kernel stride padding ceilMode countIncludePad x)
    /// `nn.AvgPool1d(kernel, stride, padding)`.
    let avgPool1dWith (kernel: int) (stride: int) (padding: int) = avgPool1dModes kernel stride padding false true
    /// `nn.AvgPool1d(kernel)`: stride = kernel.
    let avgPool1d (kernel: int) = avgPool1dWith kernel kernel 0

    /// `nn.AdaptiveAvgPool1d(outputSize)`: averages PyTorch's windows [⌊i·L/O⌋, ⌈(i+1)·L/O⌉) of (N, C, L) or (C, L) inputs.
    let adaptiveAvgPool1d (outputSize: int) =
        if outputSize < 0 then
            raise (ArgumentOutOfRangeException("outputSize",
                    sprintf "AdaptiveAvgPool1d: elements of output_size must be greater than or equal to 0 but received %d" outputSize))
        stateless "AdaptiveAvgPool1d" (sprintf "output_size=%d" outputSize) NoKernel (fun _ x ->
            if x.Dim <> 2 && x.Dim <> 3 then
                raise (ShapeException(sprintf "Expected 2 to 3 dimensions, but got %d-dimensional tensor for argument #1 'self' (while checking arguments for adaptive_avg_pool1d); AdaptiveAvgPool1d(output_size=%d) expects input (N, C, L) or (C, L), got %s"
                                          x.Dim outputSize (shp x.Shape), "x"))
            let s = x.Shape
            match s |> Array.tryFindIndexBack (fun d -> d = 0) with
            | Some d when d > 0 || s.Length = 2 ->
                raise (ShapeException(sprintf "adaptive_avg_pool1d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes [%s] with dimension %d being empty"
                                          (String.Join(", ", s)) d, "x"))
            | _ -> ()
            Functional.adaptiveAvgPool1d outputSize x)

    /// `nn.Unflatten(dim, unflattenedSize)`: splits dimension `dim` into the given sizes (one may be -1, inferred).
    let unflatten (dim: int) (unflattenedSize: int[]) =
        if isNull unflattenedSize then raise (ArgumentNullException("unflattenedSize", "Unflatten: unflattened_size is null; pass the sizes to split the dimension into"))
        if unflattenedSize.Length = 0 then invalidArg "unflattenedSize" "Unflatten: unflattened_size must be a non-empty tuple of ints"
        if (unflattenedSize |> Array.filter (fun v -> v = -1)).Length > 1 then
            invalidArg "unflattenedSize" (sprintf "Unflatten: only one dimension can be inferred, got unflattened_size=%s" (shp unflattenedSize))
        match unflattenedSize |> Array.tryFind (fun v -> v < -1) with
        | Some v -> raise (ArgumentOutOfRangeException("unflattenedSize", sprintf "Unflatten: invalid size %d in unflattened_size=%s; sizes must be >= 0 or -1 (inferred)" v (shp unflattenedSize)))
        | None -> ()
        let sizesText = if unflattenedSize.Length = 1 then sprintf "(%d,)" unflattenedSize.[0] else shp unflattenedSize
        stateless "Unflatten" (sprintf "dim=%d, unflattened_size=%s" dim sizesText) NoKernel (fun _ x ->
            let nd = x.Dim
            let d = if dim < 0 then dim + nd else dim
            if d < 0 || d >= nd then
                raise (ArgumentOutOfRangeException("dim", sprintf "Dimension out of range (expected to be in range of [%d, %d], but got %d)" (-nd) (nd - 1) dim))
            let n = x.Shape.[d]
            let known = unflattenedSize |> Array.fold (fun acc v -> if v = -1 then acc else acc * int64 v) 1L
            let sizes =
                if Array.contains -1 unflattenedSize && known <> 0L && int64 n % known = 0L then
                    unflattenedSize |> Array.map (fun v -> if v = -1 then int (int64 n / known) else v)
                else unflattenedSize
            if Array.contains -1 sizes || (sizes |> Array.fold (fun acc v -> acc * int64 v) 1L) <> int64 n then
                raise (ShapeException(sprintf "unflatten: Provided sizes [%s] don't multiply up to the size of dim %d (%d) in the input tensor"
                                          (String.Join(", ", unflattenedSize)) dim n, "x"))
            x.Reshape(Array.concat [ x.Shape.[.. d - 1]; sizes; x.Shape.[d + 1 ..] ]))

    // ------------------------------------------------------------------ running

    /// Creates a layer's parameters from a generator (PyTorch's construction draws), holding its lock throughout.
    let init (g: Generator) (l: Layer) : Params =
        if isNull g then nullArg "g"
        use _ = g.Lock()
        l.Init g
    /// The pure evaluation-mode forward pass.
    let apply (l: Layer) (p: Params) (x: Tensor) : Tensor = l.Apply(p, x)
    /// The forward pass in a mode with explicit state: returns the output and the new state.
    let applyWithState (l: Layer) (mode: Mode) (p: Params) (state: Params) (x: Tensor) : Tensor * Params = l.RunFn mode p state x

/// The `-->` composition operator for layers.
[<AutoOpen>]
module LayerOperators =
    /// `a --> b`: a then b, as one Sequential.
    let (-->) (a: Layer) (b: Layer) : Layer = Layer.chain a b
