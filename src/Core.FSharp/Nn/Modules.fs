namespace Fluxion.Nn

open System
open System.Runtime.InteropServices
open Fluxion
open Fluxion.Random
open Fluxion.Printing

/// A module running a pure layer: its parameters are created by the layer's initialisation (from the given
/// generator, or the global one as PyTorch's constructors draw) and its forward pass is the layer's own function.
[<AllowNullLiteral>]
type ModuleOfLayer(layer: Layer, generator: Generator) as this =
    inherit Module()
    let generator = if isNull generator then Generator.Default else generator
    // The whole initialisation holds the generator's lock: a layer's parameters are one stretch of the stream
    // even when other threads draw from the same generator.
    let p0 =
        use _ = generator.Lock()
        layer.Init generator
    let s0 = layer.Buffers()
    let parameters = Params.flatten p0 |> Array.map (fun (n, t) -> n, Parameter(t))
    let buffers = Params.flatten s0
    // Outside a pure call the parameters' leaves never change, so their tree is built once.
    let mutable ownTree = Unchecked.defaultof<Params>
    let stateTree = lazy (Params.withLeaves s0 (buffers |> Array.map snd))
    // The two modes a forward can run in, made once (a record per call was garbage of every forward).
    let trainMode = { Training = true; Generator = generator }
    let evalMode = { Training = false; Generator = generator }
    do
        this.DisableDiscovery()
        for n, p in parameters do this.RegisterParameter(n, p)
        for n, b in buffers do this.RegisterBuffer(n, b)

    /// A module whose parameters are drawn from the global generator.
    new(layer: Layer) = ModuleOfLayer(layer, Generator.Default)

    /// The pure layer this module runs.
    member _.Layer = layer
    /// The generator the parameters were drawn from, which random layers (Dropout) also draw from in training.
    member _.Generator = generator
    /// A parameter by its name (`weight`, `bias`, `weight_ih_l0`), or null.
    member _.GetParameter(name: string) : Parameter =
        match parameters |> Array.tryFind (fun (n, _) -> n = name) with
        | Some(_, p) -> p
        | None -> null
    /// A buffer by its name (`running_mean`), or null.
    member _.GetBuffer(name: string) : Tensor =
        match buffers |> Array.tryFind (fun (n, _) -> n = name) with
        | Some(_, b) -> b
        | None -> Unchecked.defaultof<Tensor>
    /// The current parameters as the layer's tree (values as forward passes see them).
    member _.CurrentParams() =
        if isNull ParameterScope.Current then
            if isNull (box ownTree) then ownTree <- Params.withLeaves p0 (parameters |> Array.map (fun (_, p) -> p.Value))
            ownTree
        else Params.withLeaves p0 (parameters |> Array.map (fun (_, p) -> p.Value))

    override _.ClassName = layer.Name
    override _.ExtraRepr = layer.Extra
    override _.SummaryKernel = layer.Kernel
    override this.Forward(x: Tensor) =
        let p = this.CurrentParams()
        let s = stateTree.Force()
        let y, s' = layer.RunFn (if this.Training then trainMode else evalMode) p s x
        // Running statistics change in place, except inside a pure call (AsFunction).
        if not (obj.ReferenceEquals(s, s')) && isNull ParameterScope.Current then
            Array.iter2 (fun (_, (b: Tensor)) (t: Tensor) -> if not (obj.ReferenceEquals(b, t)) then b.CopyInPlace t) buffers (Params.leaves s')
        y

/// `nn.Linear(in_features, out_features, bias=True)`: y = x Wᵀ + b for inputs (*, in_features); the initial
/// parameters are drawn from `generator` (null: the global generator).
type Linear(inFeatures: int, outFeatures: int, [<Optional; DefaultParameterValue(true)>] bias: bool,
            [<Optional; DefaultParameterValue(null: Generator)>] generator: Generator) =
    inherit ModuleOfLayer(Layer.linearWith inFeatures outFeatures bias, generator)
    member internal _.HasBias = bias
    /// Input width.
    member _.InFeatures = inFeatures
    /// Output width.
    member _.OutFeatures = outFeatures
    /// The weight (out_features, in_features).
    member this.Weight: Parameter = this.GetParameter "weight"
    /// The bias (out_features), or null without bias.
    member this.Bias: Parameter = this.GetParameter "bias"

/// `nn.Conv1d`: 1-D cross-correlation over (N, C, L) or (C, L) inputs; the initial parameters are drawn from
/// `generator` (null: the global generator).
type Conv1d private (layer: Layer, generator: Generator) =
    inherit ModuleOfLayer(layer, generator)
    /// Explicit integer padding (PyTorch's defaults: stride 1, padding 0, dilation 1, groups 1, bias, zeros).
    new(inChannels: int, outChannels: int, kernelSize: int,
        [<Optional; DefaultParameterValue(1)>] stride: int, [<Optional; DefaultParameterValue(0)>] padding: int,
        [<Optional; DefaultParameterValue(1)>] dilation: int, [<Optional; DefaultParameterValue(1)>] groups: int,
        [<Optional; DefaultParameterValue(true)>] bias: bool, [<Optional; DefaultParameterValue("zeros")>] paddingMode: string,
        [<Optional; DefaultParameterValue(null: Generator)>] generator: Generator) =
        Conv1d(Layer.conv1dWith inChannels outChannels kernelSize stride (Explicit [| padding |]) dilation groups bias paddingMode, generator)
    /// String padding: "same" or "valid".
    new(inChannels: int, outChannels: int, kernelSize: int, padding: string,
        [<Optional; DefaultParameterValue(1)>] dilation: int, [<Optional; DefaultParameterValue(1)>] groups: int,
        [<Optional; DefaultParameterValue(true)>] bias: bool, [<Optional; DefaultParameterValue("zeros")>] paddingMode: string,
        [<Optional; DefaultParameterValue(null: Generator)>] generator: Generator) =
        Conv1d(inChannels, outChannels, kernelSize, 1, padding, dilation, groups, bias, paddingMode, generator)
    /// String padding with a stride, in PyTorch's argument order: "valid", or "same" (stride must be 1).
    new(inChannels: int, outChannels: int, kernelSize: int, stride: int, padding: string,
        [<Optional; DefaultParameterValue(1)>] dilation: int, [<Optional; DefaultParameterValue(1)>] groups: int,
        [<Optional; DefaultParameterValue(true)>] bias: bool, [<Optional; DefaultParameterValue("zeros")>] paddingMode: string,
        [<Optional; DefaultParameterValue(null: Generator)>] generator: Generator) =
        let p =
            match padding with
            | "same" -> Same
            | "valid" -> Valid
            | s -> invalidArg "padding" (sprintf "Conv1d: padding must be 'same', 'valid' or an int, got '%s'" s)
        Conv1d(Layer.conv1dWith inChannels outChannels kernelSize stride p dilation groups bias paddingMode, generator)
    /// The weight (out, in/groups, kernel).
    member this.Weight: Parameter = this.GetParameter "weight"
    /// The bias (out), or null.
    member this.Bias: Parameter = this.GetParameter "bias"

/// `nn.ReLU()`.
type ReLU() = inherit ModuleOfLayer(Layer.relu)
/// `nn.Sigmoid()`.
type Sigmoid() = inherit ModuleOfLayer(Layer.sigmoid)
/// `nn.Tanh()`.
type Tanh() = inherit ModuleOfLayer(Layer.tanh)
/// `nn.Identity()`.
type Identity() = inherit ModuleOfLayer(Layer.identity)
/// `nn.LeakyReLU(negative_slope=0.01)`.
type LeakyReLU([<Optional; DefaultParameterValue(0.01)>] negativeSlope: float) = inherit ModuleOfLayer(Layer.leakyRelu negativeSlope)
/// `nn.ELU(alpha=1.0)`.
type ELU([<Optional; DefaultParameterValue(1.0)>] alpha: float) = inherit ModuleOfLayer(Layer.elu alpha)
/// `nn.GELU(approximate='none')`.
type GELU([<Optional; DefaultParameterValue("none")>] approximate: string) = inherit ModuleOfLayer(Layer.geluWith approximate)
/// `nn.Softmax(dim)`; without a dim PyTorch's legacy implicit choice.
type Softmax private (layer: Layer) =
    inherit ModuleOfLayer(layer)
    new(dim: int) = Softmax(Layer.softmax dim)
    new() = Softmax(Layer.softmaxImplicit)
/// `nn.LogSoftmax(dim)`.
type LogSoftmax(dim: int) = inherit ModuleOfLayer(Layer.logSoftmax dim)
/// `nn.Softplus(beta=1, threshold=20)`.
type Softplus private (layer: Layer) =
    inherit ModuleOfLayer(layer)
    new() = Softplus(Layer.softplus)
    new(beta: float, threshold: float) = Softplus(Layer.softplusWith (PyFloat beta) (PyFloat threshold))
/// `nn.Flatten(start_dim=1, end_dim=-1)`.
type Flatten([<Optional; DefaultParameterValue(1)>] startDim: int, [<Optional; DefaultParameterValue(-1)>] endDim: int) =
    inherit ModuleOfLayer(Layer.flattenWith startDim endDim)
/// `nn.Dropout(p=0.5)`: zeroes elements with probability p in training, identity in eval; the masks are drawn
/// from `generator` (null: the global generator, as in PyTorch).
type Dropout([<Optional; DefaultParameterValue(0.5)>] p: float, [<Optional; DefaultParameterValue(null: Generator)>] generator: Generator) =
    inherit ModuleOfLayer(Layer.dropout p, generator)
    /// The drop probability.
    member _.P = p
/// `nn.BatchNorm1d(num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True)`.
type BatchNorm1d(numFeatures: int, [<Optional; DefaultParameterValue(1e-5)>] eps: float,
                 [<Optional; DefaultParameterValue(0.1)>] momentum: float, [<Optional; DefaultParameterValue(true)>] affine: bool,
                 [<Optional; DefaultParameterValue(true)>] trackRunningStats: bool) =
    inherit ModuleOfLayer(Layer.batchNorm1dWith numFeatures eps (if Double.IsNaN momentum then None else Some momentum) affine trackRunningStats)
    /// γ (num_features), or null without affine.
    member this.Weight: Parameter = this.GetParameter "weight"
    /// β (num_features), or null without affine.
    member this.Bias: Parameter = this.GetParameter "bias"
    /// Running mean (updated in place in training).
    member this.RunningMean: Tensor = this.GetBuffer "running_mean"
    /// Running (unbiased) variance.
    member this.RunningVar: Tensor = this.GetBuffer "running_var"
    /// Number of training batches seen.
    member this.NumBatchesTracked: Tensor = this.GetBuffer "num_batches_tracked"
/// `nn.MaxPool1d(kernel_size, stride=kernel_size, padding=0, dilation=1)`; stride 0 means the kernel size.
type MaxPool1d(kernelSize: int, [<Optional; DefaultParameterValue(0)>] stride: int, [<Optional; DefaultParameterValue(0)>] padding: int,
               [<Optional; DefaultParameterValue(1)>] dilation: int, [<Optional; DefaultParameterValue(false)>] ceilMode: bool) =
    inherit ModuleOfLayer(Layer.maxPool1dWith kernelSize (if stride = 0 then kernelSize else stride) padding dilation ceilMode)
/// `nn.AvgPool1d(kernel_size, stride=kernel_size, padding=0, ceil_mode=False, count_include_pad=True)`; stride 0 means the kernel size.
type AvgPool1d(kernelSize: int, [<Optional; DefaultParameterValue(0)>] stride: int, [<Optional; DefaultParameterValue(0)>] padding: int,
               [<Optional; DefaultParameterValue(false)>] ceilMode: bool, [<Optional; DefaultParameterValue(true)>] countIncludePad: bool) =
    inherit ModuleOfLayer(Layer.avgPool1dModes kernelSize (if stride = 0 then kernelSize else stride) padding ceilMode countIncludePad)

/// `nn.AdaptiveAvgPool1d(output_size)`: averages (N, C, L) or (C, L) inputs down to `outputSize` cells along L.
type AdaptiveAvgPool1d(outputSize: int) =
    inherit ModuleOfLayer(Layer.adaptiveAvgPool1d outputSize)
    /// The number of output cells.
    member _.OutputSize = outputSize
/// `nn.Unflatten(dim, unflattened_size)`: splits one dimension into several (one size may be -1).
type Unflatten(dim: int, unflattenedSize: int[]) =
    inherit ModuleOfLayer(Layer.unflatten dim unflattenedSize)
    /// The dimension split.
    member _.Dim = dim
    /// The sizes it is split into.
    member _.UnflattenedSize = Array.copy unflattenedSize

/// `nn.RNNCell(input_size, hidden_size, bias=True, nonlinearity='tanh')`; parameters drawn from `generator`
/// (null: global). `Call` starts from a zero hidden state; `Step` takes one.
type RNNCell(inputSize: int, hiddenSize: int, [<Optional; DefaultParameterValue(true)>] bias: bool,
             [<Optional; DefaultParameterValue("tanh")>] nonlinearity: string,
             [<Optional; DefaultParameterValue(null: Generator)>] generator: Generator) =
    inherit ModuleOfLayer(Layer.rnnCellOf inputSize hiddenSize bias nonlinearity, generator)
    /// A tanh cell whose parameters are drawn from `generator`.
    new(inputSize: int, hiddenSize: int, bias: bool, generator: Generator) = RNNCell(inputSize, hiddenSize, bias, "tanh", generator)
    /// Input width.
    member _.InputSize = inputSize
    /// Hidden width.
    member _.HiddenSize = hiddenSize
    /// "tanh" or "relu".
    member _.Nonlinearity = nonlinearity
    /// One step from hidden state h (null for zeros): act(x Wihᵀ + bih + h Whhᵀ + bhh), PyTorch's `cell(x, h)`.
    member this.Step(x: Tensor, h: Tensor) : Tensor =
        Layer.rnnCellForward nonlinearity (this.CurrentParams()) (if isNull (box h) then None else Some h) x

/// `nn.RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True, batch_first=False, dropout=0.0,
/// bidirectional=False)`. `Call` returns the output sequence; `ForwardWithHidden` also takes h0 and returns
/// (output, h_n) as PyTorch's `rnn(x, h0)`. Parameters are drawn from `generator` (null: the global generator),
/// and so is the dropout between layers in training.
type RNN(inputSize: int, hiddenSize: int, [<Optional; DefaultParameterValue(1)>] numLayers: int,
         [<Optional; DefaultParameterValue("tanh")>] nonlinearity: string,
         [<Optional; DefaultParameterValue(true)>] bias: bool,
         [<Optional; DefaultParameterValue(false)>] batchFirst: bool,
         [<Optional; DefaultParameterValue(0.0)>] dropout: float,
         [<Optional; DefaultParameterValue(false)>] bidirectional: bool,
         [<Optional; DefaultParameterValue(null: Generator)>] generator: Generator) =
    inherit ModuleOfLayer(Layer.rnnFull inputSize hiddenSize numLayers nonlinearity bias batchFirst dropout bidirectional, generator)
    do
        // PyTorch warns (not fails) when dropout cannot act: it only runs between layers.
        if dropout > 0.0 && numLayers = 1 then
            Diagnostics.Trace.TraceWarning(
                sprintf "dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=%s and num_layers=%d"
                    (PyFormat.floatRepr dropout) numLayers)
    /// Input width.
    member _.InputSize = inputSize
    /// Hidden width.
    member _.HiddenSize = hiddenSize
    /// Number of stacked layers.
    member _.NumLayers = numLayers
    /// "tanh" or "relu".
    member _.Nonlinearity = nonlinearity
    /// True when inputs and outputs are (N, L, H).
    member _.BatchFirst = batchFirst
    /// Dropout probability between layers (training only).
    member _.Dropout = dropout
    /// True when each layer also runs backwards over the sequence.
    member _.Bidirectional = bidirectional
    /// (output, h_n) from an optional initial hidden state (null for zeros), PyTorch's `rnn(x, h0)`.
    member this.ForwardWithHidden(x: Tensor, h0: Tensor) : struct (Tensor * Tensor) =
        let mode = { Training = this.Training; Generator = this.Generator }
        let y, h = Layer.rnnForwardFull numLayers nonlinearity batchFirst dropout bidirectional mode (this.CurrentParams())
                                        (if isNull (box h0) then None else Some h0) x
        struct (y, h)

/// `nn.Sequential(m0, m1, ...)`: children named 0, 1, ..., applied in order.
type Sequential([<ParamArray>] modules: Module[]) as this =
    inherit Module()
    let items = Collections.Generic.List<Module>()
    do
        if isNull modules then raise (ArgumentNullException("modules", "Sequential: the module array is null; pass modules or nothing"))
        this.DisableDiscovery()
        for m in modules do this.Append m |> ignore
    /// Adds a module at the end (PyTorch's `append`).
    member this.Append(m: Module) : Sequential =
        this.RegisterModule(string items.Count, m)
        items.Add m
        this
    /// The i-th module.
    member _.Item with get (i: int) = items.[i]
    /// Number of modules.
    member _.Count = items.Count
    override _.Forward(x: Tensor) =
        let mutable y = x
        let mutable i = 0
        while i < items.Count do
            let m = items.[i]
            let fused = if i + 1 < items.Count then Sequential.LinearRelu(m, items.[i + 1], y) else Unchecked.defaultof<Tensor>
            if isNull (box fused) then
                y <- m.Call y
                i <- i + 1
            else
                y <- fused
                i <- i + 2
        y

    /// Linear then ReLU as one op (Functional.linearRelu) when nothing can tell the difference: exactly these two
    /// classes, a bias, a valid 2-D input, no summary recording the calls, no anomaly mode, and only constants or
    /// imperative leaves' graphs (no forward-mode or nested derivative); null otherwise, and the modules run alone.
    static member private LinearRelu(m: Module, next: Module, x: Tensor) : Tensor =
        if isNull (box x) || not (obj.ReferenceEquals(m.GetType(), typeof<Linear>)) || not (obj.ReferenceEquals(next.GetType(), typeof<ReLU>))
           || not (isNull CallRecorder.Current) || AnomalyMode.IsEnabled then Unchecked.defaultof<Tensor>
        else
            let lin = m :?> Linear
            let firstOrder (t: Tensor) = match t with TC _ | TR(_, _, 0) -> true | _ -> false
            if not lin.HasBias || x.Dim <> 2 || x.Shape.[1] <> lin.InFeatures || not (firstOrder x) then Unchecked.defaultof<Tensor>
            else
                let p = lin.CurrentParams()
                let w = Layer.field "weight" p
                let b = Layer.field "bias" p
                if x.Dtype <> w.Dtype || not (firstOrder w) || not (firstOrder b) then Unchecked.defaultof<Tensor>
                else Functional.linearRelu w b x

/// A container made from a composite pure layer: named child modules and the layer's forward recipe.
type internal LayerContainer(name: string, children: (string * Module)[], forward: (string -> Tensor -> Tensor) -> Tensor -> Tensor) as this =
    inherit Module()
    do
        this.DisableDiscovery()
        for n, m in children do this.RegisterModule(n, m)
    override _.ClassName = name
    override _.Forward(x: Tensor) =
        forward (fun n x ->
            match children |> Array.tryFind (fun (k, _) -> k = n) with
            | Some(_, m) -> m.Call x
            | None -> invalidArg "name" (sprintf "%s: no child '%s'" name n)) x

/// Conversions between pure layers and modules.
module Modules =
    /// A module for a pure layer, creating its parameters from the generator in the layer's init order (all
    /// under one lock of it); containers become Sequential/containers of modules and shared sub-layers stay shared.
    let ofLayerWith (generator: Generator) (layer: Layer) : Module =
        if isNull generator then nullArg "generator"
        use _ = generator.Lock()
        let made = Collections.Generic.Dictionary<Layer, Module>(HashIdentity.Reference)
        let rec go (l: Layer) : Module =
            match made.TryGetValue l with
            | true, m -> m
            | _ ->
                let m =
                    match l.ComposeFn with
                    | None -> ModuleOfLayer(l, generator) :> Module
                    | Some f ->
                        let kids = l.ChildLayers |> Array.map (fun (n, c) -> n, go c)
                        if l.Name = "Sequential" then Sequential(Array.map snd kids) :> Module
                        else LayerContainer(l.Name, kids, f) :> Module
                made.[l] <- m
                m
        go layer

    /// A module for a pure layer, creating its parameters from the global generator (see ofLayerWith).
    let ofLayer (layer: Layer) : Module = ofLayerWith Generator.Default layer

    /// A parameter-free module from a function (`Modules.ofFunction "ReLU" Tensor.relu`).
    let ofFunction (name: string) (f: Tensor -> Tensor) : Module = ModuleOfLayer(Layer.ofFunction name f) :> Module
