/// Finds F# types in the signatures C# sees: shared by the surface tests of the facade, the core and the Torch backend.
module SurfaceScan

open System
open System.Reflection

/// Types whose appearance in a C# signature forces F# on the caller: anything from FSharp.Core (FSharpFunc,
/// FSharpOption, FSharpValueOption, FSharpList, FSharpMap, FSharpSet, FSharpRef, Unit...) and System.Tuple.
let rec fsharpLeak (t: Type) : string option =
    if isNull t then None
    elif t.IsArray || t.IsByRef || t.IsPointer then fsharpLeak (t.GetElementType())
    elif t.IsGenericParameter then None
    else
        let own =
            let asm = t.Assembly.GetName().Name
            if asm = "FSharp.Core" then Some (if t.IsGenericType then t.GetGenericTypeDefinition().FullName else t.FullName)
            elif t.IsGenericType && t.GetGenericTypeDefinition().FullName.StartsWith "System.Tuple`" then Some "System.Tuple (F# tuple)"
            else None
        match own with
        | Some _ -> own
        | None when t.IsGenericType -> t.GetGenericArguments() |> Array.tryPick fsharpLeak
        | None -> None

/// An F# module: its functions are F#'s API (C# has the facade), so its signatures may use F# types.
let isFSharpModule (t: Type) =
    t.GetCustomAttributes(typeof<CompilationMappingAttribute>, false)
    |> Seq.cast<CompilationMappingAttribute>
    |> Seq.exists (fun a -> a.SourceConstructFlags &&& SourceConstructFlags.KindMask = SourceConstructFlags.Module)

/// The exported types of an assembly that C# sees as classes, structs, interfaces and delegates (no F# modules).
let csharpTypes (asm: Assembly) = asm.GetExportedTypes() |> Array.filter (isFSharpModule >> not)

/// Public members declared by the type itself, compiler-generated ones included.
let publicMembers (t: Type) =
    t.GetMembers(BindingFlags.Public ||| BindingFlags.Instance ||| BindingFlags.Static ||| BindingFlags.DeclaredOnly)

/// Every type a member's signature names (return, parameters, property, field, event).
let signatureTypes (m: MemberInfo) : Type list =
    match m with
    | :? MethodInfo as mi -> mi.ReturnType :: [ for p in mi.GetParameters() -> p.ParameterType ]
    | :? ConstructorInfo as ci -> [ for p in ci.GetParameters() -> p.ParameterType ]
    | :? PropertyInfo as pi -> pi.PropertyType :: [ for p in pi.GetIndexParameters() -> p.ParameterType ]
    | :? FieldInfo as fi -> [ fi.FieldType ]
    | :? EventInfo as ei -> [ ei.EventHandlerType ]
    | _ -> []

/// One line per F# type found in a base type, an interface or a public member's signature.
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
