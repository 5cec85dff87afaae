namespace Fluxion.Nn

open System
open System.Collections.Generic
open System.Reflection
open System.Runtime.InteropServices
open System.Threading
open Fluxion
open Fluxion.Printing

/// Names a sub-module or parameter field as PyTorch would print it (`[<ModuleName("linear_model")>]`).
[<AttributeUsage(AttributeTargets.Field ||| AttributeTargets.Property, AllowMultiple = false); AllowNullLiteral>]
type ModuleNameAttribute(name: string) =
    inherit Attribute()
    /// The registered name.
    member _.Name = name

/// Keeps a Module- or Parameter-typed field out of automatic registration.
[<AttributeUsage(AttributeTargets.Field ||| AttributeTargets.Property, AllowMultiple = false); AllowNullLiteral>]
type NotRegisteredAttribute() =
    inherit Attribute()

/// One module call seen by a summary: the module, its depth and name in the model, its input and output shapes.
[<AllowNullLiteral>]
type internal CallRecord(owner: obj, depth: int, varName: string, input: int[]) =
    member _.Owner = owner
    member _.Depth = depth
    member _.VarName = varName
    member _.Input = input
    member val Output: int[] = [||] with get, set
    member val OutputElementSize = 4 with get, set

/// Forward hooks of a running summary: which modules belong to the model (with depth and name) and the calls seen.
[<AllowNullLiteral>]
type internal CallRecorder(depths: Dictionary<obj, struct (int * string)>) =
    [<ThreadStatic; DefaultValue>]
    static val mutable private current: CallRecorder
    static member Current with get () = CallRecorder.current and set v = CallRecorder.current <- v
    member val Calls = ResizeArray<CallRecord>()
    /// Records a call of a module of the model (others are not hooked, as in torchinfo).
    member this.Pre(m: obj, x: Tensor) : CallRecord =
        match depths.TryGetValue m with
        | true, struct (d, n) ->
            let r = CallRecord(m, d, n, x.Shape)
            this.Calls.Add r
            r
        | _ -> null

/// copy.deepcopy for object graphs of modules: every object reachable through fields is copied once (shared
/// objects stay shared within the copy), tensors get their own storage. Generators, pure layers (immutable),
/// strings and types are shared with the original, as are delegates without a target.
module internal DeepCopier =
    let private fieldsCache = Collections.Concurrent.ConcurrentDictionary<Type, FieldInfo[]>()
    let private fieldsOf (t: Type) =
        fieldsCache.GetOrAdd(t, fun t ->
            [| let mutable c = t
               while not (isNull c) do
                   yield! c.GetFields(BindingFlags.Instance ||| BindingFlags.Public ||| BindingFlags.NonPublic ||| BindingFlags.DeclaredOnly)
                   c <- c.BaseType |])

    let private shared (t: Type) =
        t.IsPrimitive || t.IsEnum || t = typeof<string> || t = typeof<decimal> || t = typeof<DateTime> || t = typeof<TimeSpan>
        || typeof<Type>.IsAssignableFrom t || typeof<Fluxion.Random.Generator>.IsAssignableFrom t || t = typeof<Layer>
        || typeof<Threading.Lock>.IsAssignableFrom t

    /// A tensor with its own copy of the data, still a leaf that requires grad if the original was one.
    let copyTensor (t: Tensor) : Tensor =
        let c = Tensor.OfRaw(t.Detach().Raw.Clone())
        if t.RequiresGrad && t.IsLeaf then c.RequiresGrad_() else c

    let rec private copy (memo: Dictionary<obj, obj>) (o: obj) : obj =
        if isNull o then null
        else
            let t = o.GetType()
            if shared t then o
            else
                match memo.TryGetValue o with
                | true, c -> c
                | _ ->
                    match o with
                    | :? Tensor as x ->
                        let c = copyTensor x
                        memo.[o] <- box c
                        box c
                    | :? Delegate as d ->
                        let c =
                            if isNull d.Target || d.GetInvocationList().Length <> 1 then o
                            else box (Delegate.CreateDelegate(t, copy memo d.Target, d.Method))
                        memo.[o] <- c
                        c
                    | :? Array as a ->
                        let c = a.Clone() :?> Array
                        memo.[o] <- box c
                        let et = t.GetElementType()
                        if not (shared et) then
                            if a.Rank = 1 then
                                for i in 0 .. a.Length - 1 do c.SetValue(copy memo (a.GetValue i), i)
                            else invalidOp (sprintf "DeepCopy: arrays of rank %d are not supported" a.Rank)
                        box c
                    | _ when t.IsValueType ->
                        // A boxed struct: a fresh box whose fields are copies (no memo: value semantics).
                        let c = Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject t
                        for f in fieldsOf t do f.SetValue(c, copy memo (f.GetValue o))
                        c
                    | _ ->
                        let c = Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject t
                        memo.[o] <- c
                        for f in fieldsOf t do
                            if not f.IsLiteral then f.SetValue(c, copy memo (f.GetValue o))
                        c

    /// A deep copy of the graph reachable from `root`.
    let deepCopy (root: obj) : obj = copy (Dictionary<obj, obj>(HashIdentity.Reference)) root

/// The pure view of a module: its parameters as a tree and the forward pass as a function of them.
type ModuleFunction =
    internal
        { ApplyFn: Params -> Tensor -> Tensor
          Template: Params }
    /// The forward pass with the given parameter tree (same structure as `Params`).
    member f.Apply(p: Params, x: Tensor) : Tensor = f.ApplyFn p x
    /// The module's current parameters (detached, sharing storage).
    member f.Params : Params = f.Template
    /// The same as `Apply(p, x)`.
    member f.Invoke(p: Params, x: Tensor) : Tensor = f.ApplyFn p x

/// PyTorch's `nn.Module`: subclass it, keep sub-modules and parameters in fields (found automatically in
/// declaration order, base class first) or register them explicitly, and override `Forward`. Call a module
/// with `Call(x)`. F# note: a class `let` becomes a field only when a member uses it; for one that is not
/// used by `Forward` write `member val` or call `RegisterModule`.
[<AbstractClass; AllowNullLiteral>]
type Module() =
    static let mutable nextId = 0
    static let fieldCache = Collections.Concurrent.ConcurrentDictionary<Type, (FieldInfo * string)[]>()
    [<ThreadStatic; DefaultValue>]
    static val mutable private callStack: List<Module>

    let mutable id = Interlocked.Increment(&nextId)
    let explicitModules = List<string * Module>()
    let explicitParams = List<string * Parameter>()
    let buffers = List<string * Tensor>()
    let mutable training = true
    let mutable discover = true

    /// Converts field names to registered names; the default gives PyTorch-style snake_case (`LinearModel` -> `linear_model`).
    static member val NameConverter: Func<string, string> = Func<string, string>(Module.SnakeCase) with get, set

    /// `LinearModel`, `linearModel`, `_linearModel` -> `linear_model`; `Linear1` -> `linear1`.
    static member SnakeCase(name: string) : string =
        let s = if name.StartsWith "m_" then name.Substring 2 else name.TrimStart '_'
        let sb = Text.StringBuilder()
        for i in 0 .. s.Length - 1 do
            let c = s.[i]
            if Char.IsUpper c then
                let prevLowerOrDigit = i > 0 && (Char.IsLower s.[i - 1] || Char.IsDigit s.[i - 1])
                let acronymEnd = i > 0 && Char.IsUpper s.[i - 1] && i + 1 < s.Length && Char.IsLower s.[i + 1]
                if prevLowerOrDigit || acronymEnd then sb.Append '_' |> ignore
                sb.Append(Char.ToLowerInvariant c) |> ignore
            else sb.Append c |> ignore
        sb.ToString()

    static member private FieldsOf(t: Type) =
        fieldCache.GetOrAdd(t, fun t ->
            let chain = List<Type>()
            let mutable c = t
            while not (isNull c) && c <> typeof<Module> do
                chain.Add c
                c <- c.BaseType
            chain.Reverse()
            [| for ty in chain do
                 let props = ty.GetProperties(BindingFlags.Instance ||| BindingFlags.Public ||| BindingFlags.NonPublic ||| BindingFlags.DeclaredOnly)
                 for f in ty.GetFields(BindingFlags.Instance ||| BindingFlags.Public ||| BindingFlags.NonPublic ||| BindingFlags.DeclaredOnly) do
                     if typeof<Module>.IsAssignableFrom f.FieldType || typeof<Parameter>.IsAssignableFrom f.FieldType then
                         let raw =
                             let n = f.Name
                             if n.StartsWith "<" && n.Contains ">k__BackingField" then n.Substring(1, n.IndexOf '>' - 1)
                             else n.TrimEnd '@'
                         // Attributes may sit on the field or on the auto-property it backs.
                         let prop = props |> Array.tryFind (fun p -> p.Name = raw)
                         let attr (a: Type) =
                             f.IsDefined(a, true) || (match prop with Some p -> p.IsDefined(a, true) | None -> false)
                         if not (attr typeof<NotRegisteredAttribute>) then
                             let named =
                                 let fa = f.GetCustomAttribute<ModuleNameAttribute>(true)
                                 if not (isNull fa) then fa.Name
                                 else
                                     match prop with
                                     | Some p when not (isNull (p.GetCustomAttribute<ModuleNameAttribute>(true))) -> p.GetCustomAttribute<ModuleNameAttribute>(true).Name
                                     | _ -> null
                             yield f, (if isNull named then Module.NameConverter.Invoke raw else named) |])

    static member private Stack =
        if isNull Module.callStack then Module.callStack <- List<Module>()
        Module.callStack

    /// A number identifying this module object (summaries use it to spot repeated calls).
    member _.Id = id

    /// Switches automatic field discovery off (built-in modules register everything explicitly).
    member internal _.DisableDiscovery() = discover <- false

    /// Registers a sub-module under a name (PyTorch's `add_module`); the name must be new and free of dots.
    member this.RegisterModule(name: string, m: Module) : unit =
        this.CheckNewName("RegisterModule", name)
        if isNull m then invalidArg "m" (sprintf "%s.RegisterModule: module '%s' is null" this.ClassName name)
        explicitModules.Add((name, m))

    /// Registers a parameter under a name (PyTorch's `register_parameter`).
    member this.RegisterParameter(name: string, p: Parameter) : unit =
        this.CheckNewName("RegisterParameter", name)
        if isNull p then invalidArg "p" (sprintf "%s.RegisterParameter: parameter '%s' is null" this.ClassName name)
        explicitParams.Add((name, p))

    /// Registers a non-trainable tensor saved in the state dict (PyTorch's `register_buffer`).
    member this.RegisterBuffer(name: string, t: Tensor) : unit =
        this.CheckNewName("RegisterBuffer", name)
        buffers.Add((name, t))

    member private this.CheckNewName(fn: string, name: string) =
        if String.IsNullOrEmpty name then invalidArg "name" (sprintf "%s.%s: name must be a non-empty string" this.ClassName fn)
        if name.Contains "." then invalidArg "name" (sprintf "%s.%s: name '%s' must not contain \".\"" this.ClassName fn name)
        let taken =
            explicitModules |> Seq.exists (fun (n, _) -> n = name)
            || explicitParams |> Seq.exists (fun (n, _) -> n = name)
            || buffers |> Seq.exists (fun (n, _) -> n = name)
        if taken then invalidArg "name" (sprintf "%s.%s: attribute '%s' already exists" this.ClassName fn name)

    member private this.Discovered() : (string * obj)[] =
        if not discover then [||]
        else
            [| for f, n in Module.FieldsOf(this.GetType()) do
                 match f.GetValue this with
                 | null -> ()
                 | v -> yield n, v |]

    /// The direct sub-modules with their names: fields in declaration order, then explicit registrations.
    member this.NamedChildren() : KeyValuePair<string, Module>[] = this.ChildPairs() |> Array.map (fun (n, v) -> KeyValuePair(n, v))

    member internal this.ChildPairs() : (string * Module)[] =
        let found = this.Discovered()
        let result = List<string * Module>()
        let add (n: string) (m: Module) =
            if result |> Seq.exists (fun (k, _) -> k = n) then
                invalidArg "name" (sprintf "%s: two sub-modules are named '%s'" this.ClassName n)
            result.Add((n, m))
        for n, v in found do
            match v with
            | :? Module as m when not (explicitModules |> Seq.exists (fun (_, e) -> obj.ReferenceEquals(e, m))) -> add n m
            | _ -> ()
        for n, m in explicitModules do add n m
        result.ToArray()

    /// The module's own parameters (not its children's) with their names.
    member this.OwnParameters() : KeyValuePair<string, Parameter>[] = this.OwnParamPairs() |> Array.map (fun (n, v) -> KeyValuePair(n, v))

    member internal this.OwnParamPairs() : (string * Parameter)[] =
        let found = this.Discovered()
        let result = List<string * Parameter>()
        let add (n: string) (p: Parameter) =
            if result |> Seq.exists (fun (k, _) -> k = n) then
                invalidArg "name" (sprintf "%s: two parameters are named '%s'" this.ClassName n)
            result.Add((n, p))
        for n, v in found do
            match v with
            | :? Parameter as p when not (explicitParams |> Seq.exists (fun (_, e) -> obj.ReferenceEquals(e, p))) -> add n p
            | _ -> ()
        for n, p in explicitParams do add n p
        result.ToArray()

    /// The module's own buffers (non-trainable state such as BatchNorm's running statistics).
    member _.OwnBuffers() : KeyValuePair<string, Tensor>[] = buffers.ToArray() |> Array.map (fun (n, v) -> KeyValuePair(n, v))

    member internal _.OwnBufferPairs() : (string * Tensor)[] = buffers.ToArray()

    /// The direct sub-modules.
    member this.Children() : Module[] = this.ChildPairs() |> Array.map snd

    /// PyTorch's `_modules`: the direct sub-modules by name, in order.
    member this.Modules : KeyValuePair<string, Module>[] = this.NamedChildren()

    /// The repr of `_modules`: `OrderedDict([...])` (PyTorch 1.13) or `{...}` (newer).
    member this.ModulesRepr(style: ModulesDictStyle) : string =
        ModuleFormat.modulesDictRepr style [ for n, m in this.ChildPairs() -> n, m.ToString() ]

    /// This module and all below it, each once, with dotted names (`""` for this one), pre-order.
    member this.NamedModules() : KeyValuePair<string, Module>[] = this.ModulePairs() |> Array.map (fun (n, v) -> KeyValuePair(n, v))

    member internal this.ModulePairs() : (string * Module)[] =
        let seen = HashSet<Module>(HashIdentity.Reference)
        let result = List<string * Module>()
        let rec go (prefix: string) (m: Module) =
            if seen.Add m then
                result.Add((prefix, m))
                for n, c in m.ChildPairs() do go (if prefix = "" then n else prefix + "." + n) c
        go "" this
        result.ToArray()

    /// Every parameter once (shared modules and parameters are not repeated), with dotted names, pre-order.
    member this.NamedParameters() : KeyValuePair<string, Parameter>[] =
        this.NamedParameterPairs() |> Array.map (fun (n, p) -> KeyValuePair(n, p))

    member internal this.NamedParameterPairs() : (string * Parameter)[] =
        let seen = HashSet<Parameter>(HashIdentity.Reference)
        [| for prefix, m in this.ModulePairs() do
             for n, p in m.OwnParamPairs() do
                 if seen.Add p then yield (if prefix = "" then n else prefix + "." + n), p |]

    /// Every parameter once.
    member this.Parameters() : Parameter[] = this.NamedParameterPairs() |> Array.map snd

    /// Total number of parameter elements, shared parameters counted once.
    member this.ParameterCount : int64 = this.Parameters() |> Array.sumBy (fun p -> int64 p.Numel)
    /// Same as ParameterCount (PyTorch's `sum(p.numel() for p in model.parameters())`).
    member this.Numel : int64 = this.ParameterCount

    /// Whether the module is in training mode.
    member _.Training = training
    /// Sets training mode on this module and all below it.
    member this.Train(mode: bool) : Module =
        for _, m in this.ModulePairs() do m.SetTrainingFlag mode
        this
    /// Training mode.
    member this.Train() : Module = this.Train true
    /// Evaluation mode.
    member this.Eval() : Module = this.Train false
    member internal _.SetTrainingFlag(mode: bool) = training <- mode

    /// PyTorch's `copy.deepcopy(model)`: the same structure with its own parameters and buffers (values, dtype,
    /// requires_grad and training flags copied; gradients are not), so training the copy leaves this module as it
    /// was. Objects shared inside the model stay shared inside the copy; generators are shared with the original.
    member this.DeepCopy() : Module =
        let c = DeepCopier.deepCopy this :?> Module
        for _, m in c.ModulePairs() do m.RenewId()
        c
    member internal _.RenewId() = id <- Interlocked.Increment(&nextId)

    /// `DeepCopy` keeping the module's type.
    static member DeepCopy<'M when 'M :> Module>(m: 'M) : 'M =
        if isNull (box m) then raise (ArgumentNullException("m", "Module.DeepCopy: the module is null"))
        m.DeepCopy() :?> 'M

    /// Clears every parameter's gradient.
    member this.ZeroGrad() = for p in this.Parameters() do p.ZeroGrad()

    /// Parameters (detached, sharing storage) and buffers by dotted name, pre-order; a shared module
    /// appears under each of its names, as in PyTorch.
    member this.StateDict() : StateDict =
        let result = StateDict()
        let rec go (prefix: string) (m: Module) =
            for n, p in m.OwnParamPairs() do result.[prefix + n] <- p.Data
            for n, b in m.OwnBufferPairs() do result.[prefix + n] <- b
            for n, c in m.ChildPairs() do go (prefix + n + ".") c
        go "" this
        result

    /// Copies values from a state dict (PyTorch's `load_state_dict`): with `strict`, missing and unexpected
    /// keys are errors; shape mismatches always are. Everything is checked before anything is copied, and
    /// values are converted to each parameter's dtype (`param.copy_(value)`).
    member this.LoadStateDict(stateDict: IReadOnlyDictionary<string, Tensor>,
                              [<Optional; DefaultParameterValue(true)>] strict: bool) : unit =
        if isNull stateDict then nullArg "stateDict"
        let own = this.StateDict()
        let given = [| for kv in stateDict -> kv.Key |]
        let missing = own.Keys |> Seq.filter (stateDict.ContainsKey >> not) |> Array.ofSeq
        let unexpected = given |> Array.filter (own.ContainsKey >> not)
        let mismatches =
            [| for k in own.Keys do
                 match stateDict.TryGetValue k with
                 | true, v when isNull (box v) -> yield sprintf "value for %s is null." k
                 | true, v when not (Shape.equal v.Shape own.[k].Shape) ->
                     yield sprintf "size mismatch for %s: copying a param with shape %s from checkpoint, the shape in current model is %s."
                               k (TensorFormat.formatSize v.Shape) (TensorFormat.formatSize own.[k].Shape)
                 | _ -> () |]
        let quote (ks: string[]) = String.Join(", ", ks |> Array.map (fun k -> "\"" + k + "\""))
        let problems =
            [ if strict && missing.Length > 0 then yield sprintf "Missing key(s) in state_dict: %s. " (quote missing)
              if strict && unexpected.Length > 0 then yield sprintf "Unexpected key(s) in state_dict: %s. " (quote unexpected)
              yield! mismatches ]
        if not problems.IsEmpty then
            invalidArg "stateDict" (sprintf "Error(s) in loading state_dict for %s:\n\t%s" this.ClassName (String.Join("\n\t", problems)))
        use _ = GradMode.NoGrad()
        for k in own.Keys do
            match stateDict.TryGetValue k with
            | true, v -> own.[k].CopyInPlace v
            | _ -> ()

    /// The parameters as a tree shaped like the module (children by name, shared ones once), detached.
    member this.ParamsTree() : Params =
        let seen = HashSet<Module>(HashIdentity.Reference)
        let seenP = HashSet<Parameter>(HashIdentity.Reference)
        let rec go (m: Module) =
            seen.Add m |> ignore
            Params.Group
                [| for n, p in m.OwnParamPairs() do
                     if seenP.Add p then yield n, Params.Leaf p.Data
                   for n, c in m.ChildPairs() do
                     if not (seen.Contains c) then
                         match go c with
                         | Params.Group [||] -> ()
                         | t -> yield n, t |]
        go this

    /// Copies a parameter tree (as from `ParamsTree`, e.g. after a functional update) into the parameters.
    member this.LoadParams(p: Params) : unit =
        let named = this.NamedParameterPairs()
        let flat = Params.flatten p
        let names = named |> Array.map fst
        if flat.Length <> named.Length || Array.exists2 (fun (a, _) b -> a <> b) flat names then
            invalidArg "p" (sprintf "%s.LoadParams: the tree has parameters [%s] but the module has [%s]"
                                this.ClassName (String.Join(", ", flat |> Array.map fst)) (String.Join(", ", names)))
        Array.iter2 (fun (n, (t: Tensor)) (_, (prm: Parameter)) ->
            if not (Shape.equal t.Shape prm.Shape) then
                raise (ShapeException(sprintf "%s.LoadParams: %s has shape %s but the tree gives %s" this.ClassName n (TensorFormat.formatSize prm.Shape) (TensorFormat.formatSize t.Shape), "p"))
            prm.SetData t) flat named

    /// The pure view: `Apply p x` runs this module's forward pass with the parameters taken from `p`
    /// (a tree shaped like `ParamsTree()`), without touching the module; differentiate it with `Params.grad`.
    member this.AsFunction() : ModuleFunction =
        let named = this.NamedParameterPairs()
        let template = this.ParamsTree()
        let apply (p: Params) (x: Tensor) =
            let flat = Params.flatten p
            if flat.Length <> named.Length then
                invalidArg "p" (sprintf "%s.AsFunction: the tree has %d parameters but the module has %d" this.ClassName flat.Length named.Length)
            let d = Dictionary<obj, Tensor>(HashIdentity.Reference)
            Array.iter2 (fun (n: string, t: Tensor) (m: string, prm: Parameter) ->
                if n <> m then invalidArg "p" (sprintf "%s.AsFunction: parameter '%s' given where '%s' was expected" this.ClassName n m)
                if not (Shape.equal t.Shape prm.Shape) then
                    raise (ShapeException(sprintf "%s.AsFunction: %s needs shape %s, got %s" this.ClassName n (TensorFormat.formatSize prm.Shape) (TensorFormat.formatSize t.Shape), "p"))
                d.[box prm] <- t) flat named
            ParameterScope.Run(d, fun () -> this.Call x)
        { ApplyFn = apply; Template = template }

    /// The class name shown by the repr and summaries (the .NET type name by default).
    abstract ClassName: string
    default this.ClassName =
        let n = this.GetType().Name
        match n.IndexOf '`' with
        | -1 -> n
        | i -> n.Substring(0, i)

    /// PyTorch's `extra_repr` (empty by default).
    abstract ExtraRepr: string
    default _.ExtraRepr = ""

    /// The `kernel_size` torchinfo shows for this module.
    abstract SummaryKernel: SummaryKernel
    default _.SummaryKernel = NoKernel

    /// The forward pass; override it. Call modules with `Call`, which also runs summary hooks and names
    /// the failing module in errors.
    abstract Forward: Tensor -> Tensor
    default this.Forward(_: Tensor) : Tensor =
        raise (NotImplementedException(sprintf "Module [%s] is missing the required \"Forward\" function" this.ClassName))

    /// Runs the forward pass (PyTorch's `module(x)`).
    member this.Call(x: Tensor) : Tensor =
        let recorder = CallRecorder.Current
        let record = if isNull recorder then null else recorder.Pre(this, x)
        let stack = Module.Stack
        stack.Add this
        let level = stack.Count - 1
        let y =
            try
                try this.Forward x
                with
                | :? LayerException as e when level > 0 -> raise (e.Under(stack.[level - 1].NameOf this))
                | :? LayerException -> reraise ()
                | :? ArgumentException as e when level > 0 -> raise (LayerException([| stack.[level - 1].NameOf this |], e.Message, e))
            finally
                stack.RemoveAt level
        if not (isNull record) then
            record.Output <- y.Shape
            record.OutputElementSize <- Dtype.size y.Dtype
        y

    /// `Call` (F# and C# spelling of Python's `__call__`).
    member this.Invoke(x: Tensor) : Tensor = this.Call x

    /// The name under which a sub-module is registered here (its class name when it is not a child).
    member this.NameOf(child: Module) : string =
        match this.ChildPairs() |> Array.tryFind (fun (_, c) -> obj.ReferenceEquals(c, child)) with
        | Some(n, _) -> n
        | None -> child.ClassName

    /// PyTorch's module repr.
    override this.ToString() =
        ModuleFormat.moduleRepr this.ClassName (ModuleFormat.extraLines this.ExtraRepr)
            [ for n, c in this.ChildPairs() -> n, c.ToString() ]
