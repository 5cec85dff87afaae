/// The C# surface must not expose F# types (functions, lists, options, unit, F# tuples): neither the facade nor the
/// core, plotting and Torch types C# reaches. F# modules (static classes marked as modules) are F#'s own API and
/// are not scanned; everything else exported is, compiler-generated members included.
module SurfaceTests

open System
open System.Reflection
open Expecto
open Fluxion
open SurfaceScan

let facade = typeof<Fluxion.CSharp.Torch>.Assembly
let core = typeof<Tensor>.Assembly
let plot = typeof<Fluxion.CSharp.Plots>.Assembly

/// The C# face of Fluxion.Plot: the types it adds to the facade's namespace.
let plotFacadeTypes () =
    typeof<Fluxion.CSharp.Plots>.Assembly.GetExportedTypes() |> Array.filter (fun t -> t.Namespace = "Fluxion.CSharp")

let leaks () = leaksOf (facade.GetExportedTypes())

let surfaceLeaks () = leaksOf (Array.concat [ csharpTypes core; csharpTypes facade; csharpTypes plot ])

[<Tests>]
let tests =
    testList "Api.Surface" [
        testCase "the facade assembly exports types" <| fun () ->
            Expect.isGreaterThanOrEqual (facade.GetExportedTypes().Length) 3 "facade exports its classes"

        testCase "no public member of the facade exposes an F# type" <| fun () ->
            let found = leaks ()
            Expect.isEmpty found (sprintf "F# types leak into the C# surface:\n%s" (String.Join("\n", found)))

        testCase "no public type of Fluxion, Fluxion.CSharp or Fluxion.Plot outside F# modules exposes an F# type or System.Tuple" <| fun () ->
            let found = surfaceLeaks ()
            Expect.isEmpty found (sprintf "%d F# types leak into the C# surface:\n%s" found.Length (String.Join("\n", found)))

        testCase "the scan covers the core types C# uses and skips only F# modules" <| fun () ->
            let scanned = csharpTypes core |> Array.map (fun t -> t.FullName) |> Set.ofArray
            for t in [ typeof<Tensor>; typeof<Nn.Module>; typeof<Nn.Parameter>; typeof<Nn.Layer>; typeof<Nn.Params>; typeof<Optim.Optimizer>
                       typeof<Optim.OptState>; typeof<Optim.Adam>; typeof<Random.Generator>; typeof<Compat.SciPy.FindPeaksOptions> ] do
                Expect.isTrue (scanned.Contains t.FullName) (t.FullName + " is scanned")
            Expect.isFalse (scanned.Contains(typeof<Nn.Params>.Assembly.GetType("Fluxion.Nn.ParamsModule").FullName)) "the Params module is F#'s API"
            Expect.isTrue (isFSharpModule (core.GetType "Fluxion.Nn.ParamsModule")) "ParamsModule is a module"
            Expect.isFalse (isFSharpModule typeof<Nn.Params>) "Params is a union, not a module"

        testCase "the C# plotting API of Fluxion.Plot (Plots, SignalPlots, Figure, Report) exposes no F# type either" <| fun () ->
            let types = plotFacadeTypes ()
            Expect.equal (types |> Array.map (fun t -> t.Name) |> Array.sort) [| "Figure"; "Plots"; "Report"; "SignalPlots" |] "the C# plotting types"
            let found = leaksOf types
            Expect.isEmpty found (sprintf "F# types leak into the C# plotting surface:\n%s" (String.Join("\n", found)))

        testCase "the leak detector catches F# functions, options, lists, maps, sets, refs, unit and System.Tuple" <| fun () ->
            Expect.isSome (fsharpLeak typeof<int -> int>) "FSharpFunc"
            Expect.isSome (fsharpLeak typeof<int option>) "FSharpOption"
            Expect.isSome (fsharpLeak typeof<int voption>) "FSharpValueOption"
            Expect.isSome (fsharpLeak typeof<int list[]>) "FSharpList inside an array"
            Expect.isSome (fsharpLeak typeof<Map<string, int>>) "FSharpMap"
            Expect.isSome (fsharpLeak typeof<Set<int>>) "FSharpSet"
            Expect.isSome (fsharpLeak typeof<int ref>) "FSharpRef"
            Expect.isSome (fsharpLeak typeof<unit>) "Unit"
            Expect.isSome (fsharpLeak typeof<Collections.Generic.List<int * string>>) "F# tuple in a generic"
            Expect.isSome (fsharpLeak typeof<int * int * int>) "a triple"
            Expect.isSome (fsharpLeak (typeof<int option>.MakeByRefType())) "an option behind an out parameter"
            Expect.isNone (fsharpLeak typeof<Func<int, int>>) "Func is fine"
            Expect.isNone (fsharpLeak typeof<struct (int * int)>) "value tuples are fine"
            Expect.isNone (fsharpLeak typeof<Collections.Generic.KeyValuePair<string, Tensor>[]>) "KeyValuePair arrays are fine"
            Expect.isNone (fsharpLeak typeof<Nullable<float>>) "Nullable is fine"

        testCase "C# sees Grad and GradFnName as nullable (Tensor?, string?) and other tensors as oblivious" <| fun () ->
            let ctx = NullabilityInfoContext()
            let state (t: Type) (name: string) = (ctx.Create(t.GetProperty name)).ReadState
            Expect.equal (state typeof<Tensor> "Grad") NullabilityState.Nullable "Tensor.Grad"
            Expect.equal (state typeof<Tensor> "GradFnName") NullabilityState.Nullable "Tensor.GradFnName"
            Expect.equal (state typeof<Nn.Parameter> "Grad") NullabilityState.Nullable "Parameter.Grad"
            Expect.equal (state typeof<Nn.Parameter> "Value") NullabilityState.Unknown "Parameter.Value stays oblivious"
            let p = Nn.Parameter(Ops.Creation.zeros [| 2 |] Dtype.Float32)
            Expect.isNull (box p.Grad) "null before backward"

        testCase "a Parameter converts implicitly to its Tensor value (C#: Tensor t = p)" <| fun () ->
            let p = Nn.Parameter(Ops.Creation.ofFloat32 [| 3 |] [| 1.0f; 2.0f; 3.0f |])
            let conv = typeof<Nn.Parameter>.GetMethods() |> Array.find (fun m -> m.Name = "op_Implicit" && m.ReturnType = typeof<Tensor>)
            let t = conv.Invoke(null, [| box p |]) :?> Tensor
            Expect.isTrue (obj.ReferenceEquals(t, p.Value)) "the conversion gives the parameter's value"
            Expect.equal (t.ToFloat32Array()) [| 1.0f; 2.0f; 3.0f |] "values"
            Expect.isNull (conv.Invoke(null, [| null |])) "a null parameter converts to a null tensor"
            Expect.equal (p.Detach().ToFloat32Array()) [| 1.0f; 2.0f; 3.0f |] "Detach as on a tensor"
            Expect.isFalse (p.Detach().RequiresGrad) "detached"

        testCase "every public facade type and member has XML docs" <| fun () ->
            let xmlPath = IO.Path.ChangeExtension(facade.Location, ".xml")
            let doc = Xml.Linq.XDocument.Load xmlPath
            let documented = doc.Descendants(Xml.Linq.XName.Get "member") |> Seq.map (fun e -> e.Attribute(Xml.Linq.XName.Get "name").Value) |> Set.ofSeq
            let missing =
                [ for t in facade.GetExportedTypes() do
                    let tn = t.FullName.Replace('+', '.')
                    if not (documented.Contains("T:" + tn)) then yield "T:" + tn ]
            Expect.isEmpty missing (sprintf "undocumented: %A" missing)
    ]
