namespace Fluxion.Nn

open System
open System.Collections.Generic
open System.Runtime.CompilerServices
open Fluxion
open Fluxion.Printing

/// torchinfo 1.8.0's `summary(model, input_size=...)` for modules.
module Summary =
    let private paramsOf (m: Module) : SummaryParam[] =
        [| for n, p in m.NamedParameterPairs() ->
             { Name = n; Count = int64 p.Numel; ElementSize = Dtype.size p.Dtype; RequiresGrad = p.RequiresGrad } |]

    /// Depth and attribute name of every module of the model (first occurrence, pre-order).
    let private depths (model: Module) =
        let d = Dictionary<obj, struct (int * string)>(HashIdentity.Reference)
        let rec go (depth: int) (name: string) (m: Module) =
            if not (d.ContainsKey m) then
                d.[m] <- struct (depth, name)
                for n, c in m.ChildPairs() do go (depth + 1) n c
        go 0 "" model
        d

    let private callOf (m: Module) depth varName input output elemSize =
        { ModuleId = m.Id; Depth = depth; ClassName = m.ClassName; VarName = varName; IsLeaf = m.Children().Length = 0
          InputShape = input; OutputShape = output; OutputElementSize = elemSize; Kernel = m.SummaryKernel; Params = paramsOf m }

    /// The rows forward hooks record while the model runs on `torch.rand(*inputSize)` (one draw of the
    /// global generator per element), in evaluation mode without gradients, as torchinfo does.
    let recordCalls (model: Module) (inputSize: int[]) : SummaryCall list =
        let x = Tensor.rand inputSize
        let modes = model.ModulePairs() |> Array.map (fun (_, m) -> m, m.Training)
        let recorder = CallRecorder(depths model)
        let saved = CallRecorder.Current
        model.Eval() |> ignore
        try
            use _ = GradMode.NoGrad()
            CallRecorder.Current <- recorder
            model.Call x |> ignore
        finally
            CallRecorder.Current <- saved
            for m, t in modes do m.SetTrainingFlag t
        [ for r in recorder.Calls ->
            callOf (r.Owner :?> Module) r.Depth r.VarName r.Input r.Output r.OutputElementSize ]

    /// Without an input, every module once per name in registration order with no shapes.
    let listCalls (model: Module) : SummaryCall list =
        let rec walk (depth: int) (name: string) (m: Module) =
            callOf m depth name [||] [||] 4 :: [ for n, c in m.ChildPairs() do yield! walk (depth + 1) n c ]
        walk 0 "" model

    /// The table with explicit options; `inputSize = None` gives the parameter-only table (no draw).
    let summaryWith (options: SummaryOptions) (model: Module) (inputSize: int[] option) : string =
        match inputSize with
        | Some s -> SummaryFormat.summary options (recordCalls model s) (Some(SummaryFormat.randInputBytes s 4))
        | None -> SummaryFormat.summary options (listCalls model) None

    /// `summary(model, input_size=inputSize)` with torchinfo's defaults (depth 3, Output Shape and Param #).
    let summary (model: Module) (inputSize: int[]) : string =
        summaryWith (SummaryFormat.defaultOptions true) model (Some inputSize)

    /// `summary(model)` without an input: only Param #.
    let summaryNoInput (model: Module) : string =
        summaryWith (SummaryFormat.defaultOptions false) model None

/// `model.Summary(inputSize)` for C# and F# callers.
[<Extension; AbstractClass; Sealed>]
type ModuleSummaryExtensions =
    /// The torchinfo table for a random input of the given size (draws from the global generator).
    [<Extension>]
    static member Summary(model: Module, inputSize: int[]) : string = Summary.summary model inputSize
    /// The torchinfo table with explicit options.
    [<Extension>]
    static member Summary(model: Module, inputSize: int[], options: SummaryOptions) : string =
        Summary.summaryWith options model (if isNull inputSize then None else Some inputSize)
