/// The C# facade's public surface must not expose F# types (functions, lists, options, F# tuples).
module SurfaceTests

open System
open System.Reflection
open Expecto

let facade = typeof<Fluxion.CSharp.Torch>.Assembly

/// Types whose appearance in a C# signature forces F# on the caller.
let rec fsharpLeak (t: Type) : string option =
    if isNull t then None
    elif t.IsArray || t.IsByRef || t.IsPointer then fsharpLeak (t.GetElementType())
    else
        let own =
            let asm = t.Assembly.GetName().Name
            if asm = "FSharp.Core" then Some t.FullName
            elif t.IsGenericType && t.GetGenericTypeDefinition() = typedefof<Tuple<_, _>>.GetGenericTypeDefinition() then Some "System.Tuple (F# tuple)"
            else None
        match own with
        | Some _ -> own
        | None when t.IsGenericType -> t.GetGenericArguments() |> Array.tryPick fsharpLeak
        | None -> None

let publicMembers (t: Type) =
    t.GetMembers(BindingFlags.Public ||| BindingFlags.Instance ||| BindingFlags.Static ||| BindingFlags.DeclaredOnly)

let signatureTypes (m: MemberInfo) : Type list =
    match m with
    | :? MethodInfo as mi -> mi.ReturnType :: [ for p in mi.GetParameters() -> p.ParameterType ]
    | :? ConstructorInfo as ci -> [ for p in ci.GetParameters() -> p.ParameterType ]
    | :? PropertyInfo as pi -> pi.PropertyType :: [ for p in pi.GetIndexParameters() -> p.ParameterType ]
    | :? FieldInfo as fi -> [ fi.FieldType ]
    | :? EventInfo as ei -> [ ei.EventHandlerType ]
    | _ -> []

/// The C# face of Fluxion.Plot: the types it adds to the facade's namespace.
let plotFacadeTypes () =
    typeof<Fluxion.CSharp.Plots>.Assembly.GetExportedTypes() |> Array.filter (fun t -> t.Namespace = "Fluxion.CSharp")

let leaksOf (types: Type seq) =
    [ for t in types do
        if not (isNull t.BaseType) then
            match fsharpLeak t.BaseType with
            | Some l -> yield sprintf "%s inherits %s" t.FullName l
            | None -> ()
        for i in t.GetInterfaces() do
            match fsharpLeak i with
            | Some l -> yield sprintf "%s implements %s" t.FullName l
            | None -> ()
        for m in publicMembers t do
            for st in signatureTypes m do
                match fsharpLeak st with
                | Some l -> yield sprintf "%s.%s uses %s" t.FullName m.Name l
                | None -> () ]

let leaks () = leaksOf (facade.GetExportedTypes())

[<Tests>]
let tests =
    testList "Api.Surface" [
        testCase "the facade assembly exports types" <| fun () ->
            Expect.isGreaterThanOrEqual (facade.GetExportedTypes().Length) 3 "facade exports its classes"

        testCase "no public member of the facade exposes an F# type" <| fun () ->
            let found = leaks ()
            Expect.isEmpty found (sprintf "F# types leak into the C# surface:\n%s" (String.Join("\n", found)))

        testCase "the C# plotting API of Fluxion.Plot (Plots, Figure, Report) exposes no F# type either" <| fun () ->
            let types = plotFacadeTypes ()
            Expect.equal (types |> Array.map (fun t -> t.Name) |> Array.sort) [| "Figure"; "Plots"; "Report" |] "the C# plotting types"
            let found = leaksOf types
            Expect.isEmpty found (sprintf "F# types leak into the C# plotting surface:\n%s" (String.Join("\n", found)))

        testCase "the leak detector catches F# functions, options and lists" <| fun () ->
            Expect.isSome (fsharpLeak typeof<int -> int>) "FSharpFunc"
            Expect.isSome (fsharpLeak typeof<int option>) "FSharpOption"
            Expect.isSome (fsharpLeak typeof<int list[]>) "FSharpList inside an array"
            Expect.isSome (fsharpLeak typeof<Collections.Generic.List<int * string>>) "F# tuple in a generic"
            Expect.isNone (fsharpLeak typeof<Func<int, int>>) "Func is fine"
            Expect.isNone (fsharpLeak typeof<struct (int * int)>) "value tuples are fine"

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
