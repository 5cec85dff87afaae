namespace Fluxion.IO

open System
open System.Collections
open System.Collections.Generic
open System.IO
open System.IO.Compression
open System.Text
open System.Threading
open Fluxion
open Fluxion.Ops
open Razorvine.Pickle

/// Element types of PyTorch storages and their bytes.
module internal Storages =
    /// The storage class torch.save names for a dtype (`torch.FloatStorage`).
    let className (d: Dtype) =
        match d with
        | Dtype.Float32 -> "FloatStorage"
        | Dtype.Float64 -> "DoubleStorage"
        | Dtype.Int64 -> "LongStorage"
        | Dtype.Int32 -> "IntStorage"
        | _ -> "BoolStorage"

    /// The dtype of a storage class, or the PyTorch dtype name of one Fluxion cannot hold.
    let ofClassName (name: string) : Result<Dtype, string> =
        match name with
        | "FloatStorage" -> Ok Dtype.Float32
        | "DoubleStorage" -> Ok Dtype.Float64
        | "LongStorage" -> Ok Dtype.Int64
        | "BoolStorage" -> Ok Dtype.Bool
        | "HalfStorage" -> Error "torch.float16"
        | "BFloat16Storage" -> Error "torch.bfloat16"
        | "IntStorage" -> Ok Dtype.Int32
        | "ShortStorage" -> Error "torch.int16"
        | "CharStorage" -> Error "torch.int8"
        | "ByteStorage" -> Error "torch.uint8"
        | "ComplexFloatStorage" -> Error "torch.complex64"
        | "ComplexDoubleStorage" -> Error "torch.complex128"
        | n -> Error("torch." + n)

    /// A tensor's elements in row-major order as little-endian bytes.
    let toBytes (t: Tensor) : byte[] =
        match t.Dtype with
        | Dtype.Float32 -> let a = t.ToFloat32Array() in let b = Array.zeroCreate (a.Length * 4) in Buffer.BlockCopy(a, 0, b, 0, b.Length); b
        | Dtype.Float64 -> let a = t.ToDoubleArray() in let b = Array.zeroCreate (a.Length * 8) in Buffer.BlockCopy(a, 0, b, 0, b.Length); b
        | Dtype.Int64 -> let a = t.ToInt64Array() in let b = Array.zeroCreate (a.Length * 8) in Buffer.BlockCopy(a, 0, b, 0, b.Length); b
        | Dtype.Int32 -> let a = t.ToInt32Array() in let b = Array.zeroCreate (a.Length * 4) in Buffer.BlockCopy(a, 0, b, 0, b.Length); b
        | _ -> t.ToBoolArray() |> Array.map (fun v -> if v then 1uy else 0uy)

    /// A tensor of a shape from storage bytes read at element `offset + Σ index·stride` (views keep PyTorch's strides).
    let gather (dtype: Dtype) (bytes: byte[]) (offset: int64) (shape: int[]) (strides: int64[]) : Tensor =
        let n = Array.fold (fun acc d -> acc * int64 d) 1L shape
        let contiguous =
            let mutable acc = 1L
            let mutable ok = true
            for d in shape.Length - 1 .. -1 .. 0 do
                if shape.[d] <> 1 && strides.[d] <> acc then ok <- false
                acc <- acc * int64 shape.[d]
            ok
        let size = Dtype.size dtype
        if contiguous && dtype <> Dtype.Bool then
            // The common case (no view): one block copy.
            let start = int (offset * int64 size)
            match dtype with
            | Dtype.Float32 -> let a = Array.zeroCreate<float32> (int n) in Buffer.BlockCopy(bytes, start, a, 0, int n * 4); Creation.ofFloat32 shape a
            | Dtype.Float64 -> let a = Array.zeroCreate<float> (int n) in Buffer.BlockCopy(bytes, start, a, 0, int n * 8); Creation.ofFloat64 shape a
            | Dtype.Int32 -> let a = Array.zeroCreate<int32> (int n) in Buffer.BlockCopy(bytes, start, a, 0, int n * 4); Creation.ofInt32 shape a
            | _ -> let a = Array.zeroCreate<int64> (int n) in Buffer.BlockCopy(bytes, start, a, 0, int n * 8); Creation.ofInt64 shape a
        else
            let positions = Array.zeroCreate<int64> (int n)
            let idx = Array.zeroCreate<int> shape.Length
            for i in 0 .. int n - 1 do
                let mutable p = offset
                for d in 0 .. shape.Length - 1 do p <- p + int64 idx.[d] * strides.[d]
                positions.[i] <- p
                let mutable d = shape.Length - 1
                let mutable carry = true
                while carry && d >= 0 do
                    idx.[d] <- idx.[d] + 1
                    if idx.[d] < shape.[d] then carry <- false
                    else
                        idx.[d] <- 0
                        d <- d - 1
            match dtype with
            | Dtype.Float32 -> Creation.ofFloat32 shape (positions |> Array.map (fun p -> BitConverter.ToSingle(bytes, int p * 4)))
            | Dtype.Float64 -> Creation.ofFloat64 shape (positions |> Array.map (fun p -> BitConverter.ToDouble(bytes, int p * 8)))
            | Dtype.Int64 -> Creation.ofInt64 shape (positions |> Array.map (fun p -> BitConverter.ToInt64(bytes, int p * 8)))
            | Dtype.Int32 -> Creation.ofInt32 shape (positions |> Array.map (fun p -> BitConverter.ToInt32(bytes, int p * 4)))
            | _ -> Creation.ofBool shape (positions |> Array.map (fun p -> bytes.[int p] <> 0uy))

/// A minimal zip writer for torch.save's layout: stored (uncompressed) entries whose data start at multiples
/// of 64 bytes, as PyTorch's writer aligns them.
module internal ZipWriter =
    let private table =
        Array.init 256 (fun n ->
            let mutable c = uint32 n
            for _ in 0 .. 7 do c <- if c &&& 1u <> 0u then 0xEDB88320u ^^^ (c >>> 1) else c >>> 1
            c)
    let crc32 (data: byte[]) =
        let mutable c = 0xFFFFFFFFu
        for b in data do c <- table.[int ((c ^^^ uint32 b) &&& 0xFFu)] ^^^ (c >>> 8)
        c ^^^ 0xFFFFFFFFu

    let write (stream: Stream) (entries: (string * byte[]) list) =
        use w = new BinaryWriter(stream, Encoding.UTF8, true)
        let central = List<string * byte[] * uint32 * int64>()
        for name, data in entries do
            if int64 data.Length >= 0xFFFFFFFFL then raise (NotSupportedException(sprintf "checkpoint entry '%s' is larger than 4 GB (zip64 is not supported)" name))
            let nameBytes = Encoding.UTF8.GetBytes name
            let offset = stream.Position
            let crc = crc32 data
            // Pad with an extra field (id 'FB', as PyTorch does) so the data starts on a 64-byte boundary.
            let headerEnd = offset + 30L + int64 nameBytes.Length
            let pad = int ((64L - (headerEnd + 4L) % 64L) % 64L)
            w.Write 0x04034b50u
            w.Write 20us; w.Write 0us; w.Write 0us; w.Write 0us; w.Write 0x21us
            w.Write crc; w.Write(uint32 data.Length); w.Write(uint32 data.Length)
            w.Write(uint16 nameBytes.Length); w.Write(uint16 (pad + 4))
            w.Write nameBytes
            w.Write 0x4246us; w.Write(uint16 pad); w.Write(Array.zeroCreate<byte> pad)
            w.Write data
            central.Add((name, nameBytes, crc, offset))
        let cdStart = stream.Position
        for i in 0 .. central.Count - 1 do
            let _, nameBytes, crc, offset = central.[i]
            let size = (snd entries.[i]).Length
            w.Write 0x02014b50u
            w.Write 20us; w.Write 20us; w.Write 0us; w.Write 0us; w.Write 0us; w.Write 0x21us
            w.Write crc; w.Write(uint32 size); w.Write(uint32 size)
            w.Write(uint16 nameBytes.Length); w.Write 0us; w.Write 0us; w.Write 0us; w.Write 0us; w.Write 0u
            w.Write(uint32 offset)
            w.Write nameBytes
        let cdEnd = stream.Position
        w.Write 0x06054b50u
        w.Write 0us; w.Write 0us
        w.Write(uint16 central.Count); w.Write(uint16 central.Count)
        w.Write(uint32 (cdEnd - cdStart)); w.Write(uint32 cdStart); w.Write 0us

/// Checks a pickle before it is unpickled, like `torch.load(weights_only=True)`: only the globals that
/// rebuild tensors and ordered dicts may appear, and no opcode that imports or calls anything else.
module internal PickleGuard =
    let private allowed =
        set [ "collections.OrderedDict"; "torch._utils._rebuild_tensor_v2"; "torch._utils._rebuild_parameter" ]
    let isAllowed (qualified: string) =
        allowed.Contains qualified
        || (qualified.StartsWith "torch." && qualified.EndsWith "Storage" && qualified.IndexOf('.', 6) < 0)

    /// The global that stands for a plain dict in the rewritten stream (never allowed in a file).
    let plainDictGlobal = "fluxion_pickle", "dict"

    /// Raises InvalidDataException naming the file for a forbidden global or opcode, or a malformed stream;
    /// returns the stream with each EMPTY_DICT turned into a call of `plainDictGlobal`, because the pickle
    /// library would build an unordered Hashtable and Python dicts keep insertion order.
    let check (file: string) (data: byte[]) : byte[] =
        let out = new MemoryStream(data.Length + 64)
        let emptyDict = Encoding.ASCII.GetBytes(sprintf "c%s\n%s\n)R" (fst plainDictGlobal) (snd plainDictGlobal))
        let bad (msg: string) = raise (InvalidDataException(sprintf "%s: %s" file msg))
        let mutable i = 0
        let need n = if i + n > data.Length then bad "the pickle data.pkl is truncated"
        let u8 () = need 1; let v = int data.[i] in i <- i + 1; v
        let skip n = need n; i <- i + n
        let lenPrefixed (width: int) =
            need width
            let len =
                match width with
                | 1 -> int64 data.[i]
                | 4 -> int64 (BitConverter.ToUInt32(data, i))
                | _ -> BitConverter.ToInt64(data, i)
            i <- i + width
            if len < 0L || len > int64 (data.Length - i) then bad "the pickle data.pkl is truncated"
            i <- i + int len
        let line () =
            let start = i
            while i < data.Length && data.[i] <> 10uy do i <- i + 1
            if i >= data.Length then bad "the pickle data.pkl is truncated"
            let s = Encoding.UTF8.GetString(data, start, i - start)
            i <- i + 1
            s
        let mutable stop = false
        while not stop do
            if i >= data.Length then bad "the pickle data.pkl is truncated (no STOP opcode)"
            let start = i
            let op = u8 ()
            match char op with
            | '.' -> stop <- true
            | '(' | '0' | '1' | '2' | 'N' | 'R' | 'a' | 'b' | 'd' | '}' | 'e' | 'l' | ']' | 's' | 't' | ')' | 'u' | 'Q' -> ()
            | 'K' | 'h' | 'q' -> skip 1
            | 'M' -> skip 2
            | 'J' | 'j' | 'r' -> skip 4
            | 'G' -> skip 8
            | 'U' | 'C' -> lenPrefixed 1
            | 'T' | 'X' | 'B' -> lenPrefixed 4
            | 'I' | 'L' | 'F' | 'S' | 'V' | 'p' | 'g' -> line () |> ignore
            | 'c' ->
                let m = line ()
                let n = line ()
                let q = m + "." + n
                if not (isAllowed q) then
                    bad (sprintf "the checkpoint asks for the global '%s', which is not allowed (only tensors, storages, OrderedDict and plain Python values can be loaded, as with torch.load(weights_only=True))" q)
            | 'i' -> bad (sprintf "the checkpoint uses the INST opcode for '%s.%s', which is not allowed" (line ()) (line ()))
            | 'o' -> bad "the checkpoint uses the OBJ opcode, which is not allowed"
            | 'P' -> bad "the checkpoint uses a text persistent id, which is not allowed"
            | _ ->
                match op with
                | 0x80 -> skip 1
                | 0x81 | 0x85 | 0x86 | 0x87 | 0x88 | 0x89 | 0x8f | 0x90 | 0x91 | 0x94 | 0x98 -> ()
                | 0x8a -> lenPrefixed 1
                | 0x8b -> lenPrefixed 4
                | 0x8c -> lenPrefixed 1
                | 0x8d | 0x8e | 0x96 -> lenPrefixed 8
                | 0x95 -> skip 8
                | 0x82 | 0x83 | 0x84 -> bad "the checkpoint uses the copyreg extension registry, which is not allowed"
                | 0x92 -> bad "the checkpoint uses NEWOBJ_EX, which is not allowed"
                | 0x93 -> bad "the checkpoint uses STACK_GLOBAL (pickle protocol 4+), which is not supported; save with torch.save's default protocol 2"
                | 0x97 -> bad "the checkpoint refers to out-of-band buffers, which are not supported"
                | _ -> bad (sprintf "invalid pickle opcode 0x%02x at byte %d of data.pkl" op (i - 1))
            if op = int '}' then out.Write(emptyDict, 0, emptyDict.Length)
            else out.Write(data, start, i - start)
        out.ToArray()

/// Infrastructure of the .pt reader (public only because the pickle library calls `__setstate__` by reflection):
/// `collections.OrderedDict` as a Hashtable (what its SETITEMS expects) remembering insertion order.
[<Sealed; ComponentModel.EditorBrowsable(ComponentModel.EditorBrowsableState.Never)>]
type PtOrderedDict() =
    inherit Hashtable()
    let order = List<obj>()
    /// Keys in insertion order.
    member internal _.Order = order
    /// True for a plain dict (an OrderedDict otherwise).
    member val internal Plain = false with get, set
    /// The value under a key.
    override this.Item
        with get (k: obj) = base.[k]
        and set (k: obj) (v: obj) =
            if not (base.ContainsKey k) then order.Add k
            base.[k] <- v
    /// Adds an entry.
    override this.Add(k: obj, v: obj) =
        base.Add(k, v)
        order.Add k
    /// BUILD's state (the `_metadata` of a state dict) carries no tensors and is dropped.
    member _.__setstate__(_state: Hashtable) = ()


/// Objects met while unpickling a torch.save file.
module internal PtObjects =
    /// A storage class named by a persistent id (`torch.FloatStorage`).
    [<Sealed>]
    type StorageClass(name: string) =
        member _.Name = name
        interface IObjectConstructor with
            member _.construct(_) = raise (InvalidDataException(sprintf "torch.%s cannot be called in a checkpoint" name))

    /// A storage read from `data/<key>`.
    [<Sealed>]
    type Storage(dtype: Dtype, bytes: byte[], numel: int64) =
        member _.Dtype = dtype
        member _.Bytes = bytes
        member _.Numel = numel

    /// A rebuilt tensor with the order in which it was built (Razorvine fills dicts in reverse).
    [<Sealed>]
    type Built(stamp: int64, tensor: Tensor) =
        member _.Stamp = stamp
        member _.Tensor = tensor

    let private counter = ref 0L
    let private fail (msg: string) = raise (InvalidDataException msg)
    let private toInt64 (what: string) (v: obj) =
        match v with
        | :? int as i -> int64 i
        | :? int64 as i -> i
        | _ -> fail (sprintf "%s must be an int, got %O" what v)
    let private ints (what: string) (v: obj) =
        match v with
        | :? (obj[]) as xs -> xs |> Array.map (toInt64 what)
        | _ -> fail (sprintf "%s must be a tuple" what)

    /// `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])`.
    type RebuildTensor() =
        interface IObjectConstructor with
            member _.construct(args) =
                if args.Length < 4 then fail "_rebuild_tensor_v2 needs at least 4 arguments"
                let storage =
                    match args.[0] with
                    | :? Storage as s -> s
                    | a -> fail (sprintf "_rebuild_tensor_v2 expects a storage, got %O" a)
                let offset = toInt64 "storage_offset" args.[1]
                let shape = ints "size" args.[2]
                let strides = ints "stride" args.[3]
                if shape.Length <> strides.Length then fail "_rebuild_tensor_v2: size and stride differ in length"
                if shape |> Array.exists (fun d -> d < 0L || d > int64 Int32.MaxValue) then fail "_rebuild_tensor_v2: invalid size"
                let numel = Array.fold (*) 1L shape
                if numel > 0L then
                    let last = offset + Array.fold2 (fun acc d s -> acc + (d - 1L) * s) 0L shape strides
                    let first = offset + Array.fold2 (fun acc d s -> acc + (if s < 0L then (d - 1L) * s else 0L)) 0L shape strides
                    if offset < 0L || first < 0L || last >= storage.Numel then
                        fail (sprintf "a tensor of size %A with offset %d and strides %A reads outside its storage of %d elements" shape offset strides storage.Numel)
                let t = Storages.gather storage.Dtype storage.Bytes offset (Array.map int shape) strides
                box (Built(Interlocked.Increment counter, t))

    /// `torch._utils._rebuild_parameter(data, requires_grad, hooks)`: the data tensor.
    type RebuildParameter() =
        interface IObjectConstructor with
            member _.construct(args) =
                if args.Length < 1 then fail "_rebuild_parameter needs its data"
                args.[0]

    /// `collections.OrderedDict()`.
    type OrderedDictConstructor() =
        interface IObjectConstructor with
            member _.construct(args) =
                if args.Length <> 0 then fail "OrderedDict(...) with arguments is not supported"
                box (PtOrderedDict())

    /// A plain dict (the guard's stand-in for EMPTY_DICT).
    type PlainDictConstructor() =
        interface IObjectConstructor with
            member _.construct(_) = box (PtOrderedDict(Plain = true))

    let register =
        lazy
            Unpickler.registerConstructor(fst PickleGuard.plainDictGlobal, snd PickleGuard.plainDictGlobal, PlainDictConstructor())
            Unpickler.registerConstructor("torch._utils", "_rebuild_tensor_v2", RebuildTensor())
            Unpickler.registerConstructor("torch._utils", "_rebuild_parameter", RebuildParameter())
            Unpickler.registerConstructor("collections", "OrderedDict", OrderedDictConstructor())
            for n in [ "Float"; "Double"; "Long"; "Bool"; "Half"; "BFloat16"; "Int"; "Short"; "Char"; "Byte"; "ComplexFloat"; "ComplexDouble" ] do
                Unpickler.registerConstructor("torch", n + "Storage", StorageClass(n + "Storage"))

    /// Razorvine's result as Fluxion values: OrderedDicts of tensors become StateDicts, other dicts
    /// Dictionary<string, obj> (string keys) or Dictionary<int64, obj> (int keys), lists List<obj>, tuples obj[].
    let rec normalize (v: obj) : obj =
        match v with
        | null -> null
        | :? Built as b -> box b.Tensor
        | :? string | :? bool | :? float | :? int64 -> v
        | :? int as i -> box (int64 i)
        | :? float32 as f -> box (float f)
        | :? Numerics.BigInteger as b -> fail (sprintf "the integer %O is too large" b)
        | :? (obj[]) as xs -> box (Array.map normalize xs)
        | :? ArrayList as xs -> box (List<obj>(Seq.map normalize (Seq.cast<obj> xs)))
        | :? Hashtable as h ->
            let keys =
                match h with
                | :? PtOrderedDict as o ->
                    // Python writes SETITEMS in batches of 1000, which Razorvine applies back to front.
                    [| for c in Seq.chunkBySize 1000 o.Order do yield! Array.rev c |]
                | _ -> [| for k in h.Keys -> k |]
            let values = [| for k in keys -> h.[k] |]
            let allTensors = values.Length > 0 && values |> Array.forall (fun x -> x :? Built)
            let ordered = h :? PtOrderedDict
            let keys =
                if ordered then keys
                elif allTensors then Array.sortBy (fun k -> (h.[k] :?> Built).Stamp) keys
                elif keys |> Array.forall (fun k -> k :? int || k :? int64) then Array.sortBy (fun k -> Convert.ToInt64 k) keys
                else Array.sortWith (fun (a: obj) (b: obj) -> String.CompareOrdinal(string a, string b)) keys
            if keys |> Array.forall (fun k -> k :? string) then
                if allTensors && ordered && not (h :?> PtOrderedDict).Plain then
                    let sd = StateDict()
                    for k in keys do sd.Add(k :?> string, (h.[k] :?> Built).Tensor)
                    box sd
                else
                    let d = Dictionary<string, obj>()
                    for k in keys do d.[k :?> string] <- normalize h.[k]
                    box d
            elif keys |> Array.forall (fun k -> k :? int || k :? int64) then
                let d = Dictionary<int64, obj>()
                for k in keys do d.[Convert.ToInt64 k] <- normalize h.[k]
                box d
            else
                let d = Dictionary<obj, obj>()
                for k in keys do d.[normalize k] <- normalize h.[k]
                box d
        | other -> fail (sprintf "unsupported object of type %s" (other.GetType().Name))

/// Objects written into a torch.save pickle.
module internal PtWriting =
    /// A tensor's storage, numbered by its key in `data/`.
    [<Sealed>]
    type StorageRef(cls: string, key: string, numel: int) =
        member _.Class = cls
        member _.Key = key
        member _.Numel = numel

    /// A storage class for a persistent id.
    [<Sealed>]
    type StorageClassRef(name: string) =
        member _.Name = name

    /// An empty `collections.OrderedDict()` (the backward hooks argument of `_rebuild_tensor_v2`).
    [<Sealed>]
    type EmptyOrderedDict() = class end

    let writeGlobal (out: Stream) (m: string) (n: string) =
        let b = Encoding.ASCII.GetBytes(sprintf "c%s\n%s\n" m n)
        out.Write(b, 0, b.Length)

    /// The pickler of torch.save: tensors become `_rebuild_tensor_v2` calls over storages in `data/`.
    type TorchPickler() =
        inherit Pickler(false)
        member val Storages = List<byte[]>()
        override this.persistentId(pid: obj, newpid: byref<obj>) : bool =
            match pid with
            | :? StorageRef as s ->
                newpid <- box [| box "storage"; box (StorageClassRef s.Class); box s.Key; box "cpu"; box s.Numel |]
                true
            | _ -> false

    type TensorPickler() =
        interface IObjectPickler with
            member _.pickle(o, out, p) =
                let t = o :?> Tensor
                let tp = p :?> TorchPickler
                let key = string tp.Storages.Count
                tp.Storages.Add(Storages.toBytes t)
                let shape = t.Shape
                let strides = Array.zeroCreate<int> shape.Length
                let mutable acc = 1
                for d in shape.Length - 1 .. -1 .. 0 do
                    strides.[d] <- acc
                    acc <- acc * shape.[d]
                writeGlobal out "torch._utils" "_rebuild_tensor_v2"
                p.save(box [| box (StorageRef(Storages.className t.Dtype, key, t.Numel)); box 0
                              box (Array.map box shape); box (Array.map box strides); box false; box (EmptyOrderedDict()) |])
                out.WriteByte(byte 'R')

    type StorageClassPickler() =
        interface IObjectPickler with
            member _.pickle(o, out, _) = writeGlobal out "torch" (o :?> StorageClassRef).Name

    type EmptyOrderedDictPickler() =
        interface IObjectPickler with
            member _.pickle(_, out, _) =
                writeGlobal out "collections" "OrderedDict"
                out.WriteByte(byte ')')
                out.WriteByte(byte 'R')

    /// A state dict to write as `collections.OrderedDict` (the pickle library would write a StateDict,
    /// being enumerable, as a list).
    [<Sealed>]
    type OrderedDictOut(items: (string * Tensor)[]) =
        member _.Items = items

    /// OrderedDictOut as `collections.OrderedDict`, its items in order (batches of 1000, as Python writes them).
    type OrderedDictPickler() =
        interface IObjectPickler with
            member _.pickle(o, out, p) =
                writeGlobal out "collections" "OrderedDict"
                out.WriteByte(byte ')')
                out.WriteByte(byte 'R')
                for chunk in Seq.chunkBySize 1000 (o :?> OrderedDictOut).Items do
                    out.WriteByte(byte '(')
                    for k, v in chunk do
                        p.save(box k)
                        p.save(box v)
                    out.WriteByte(byte 'u')

    /// The value with state dicts turned into OrderedDictOut and unsupported values refused.
    let rec prepare (v: obj) : obj =
        match v with
        | null -> null
        | :? Tensor | :? string | :? bool | :? float | :? float32 | :? int | :? int64 -> v
        | :? IReadOnlyDictionary<string, Tensor> as sd -> box (OrderedDictOut([| for kv in sd -> kv.Key, kv.Value |]))
        | :? IDictionary as d ->
            let out = Dictionary<obj, obj>()
            let e = d.GetEnumerator()
            while e.MoveNext() do out.[e.Key] <- prepare e.Value
            box out
        | :? (obj[]) as xs -> box (Array.map prepare xs)
        | :? Array as a when a.Rank = 1 -> box [| for x in a -> prepare x |]
        | :? IEnumerable as xs -> box (ArrayList([| for x in xs -> prepare x |]))
        | other -> raise (ArgumentException(sprintf "Checkpoint.save: cannot write a value of type %s (tensors, state dicts, dictionaries, lists, arrays, strings, numbers, bools and null can be saved)" (other.GetType().FullName)))

    let register =
        lazy
            Pickler.registerCustomPickler(typeof<Tensor>, TensorPickler())
            Pickler.registerCustomPickler(typeof<StorageClassRef>, StorageClassPickler())
            Pickler.registerCustomPickler(typeof<EmptyOrderedDict>, EmptyOrderedDictPickler())
            Pickler.registerCustomPickler(typeof<OrderedDictOut>, OrderedDictPickler())

/// PyTorch's `.pt` format (torch.save's zip archive): read and write.
module Pt =
    /// The unpickler of torch.load: persistent ids name storages in the archive's `data/` folder.
    type private TorchUnpickler(file: string, zip: ZipArchive, prefix: string) =
        inherit Unpickler()
        let storages = Dictionary<string, PtObjects.Storage>()
        override _.persistentLoad(pid: obj) : obj =
            let bad (msg: string) = raise (InvalidDataException(sprintf "%s: %s" file msg))
            match pid with
            | :? (obj[]) as t when t.Length = 5 && (t.[0] :? string) && (t.[0] :?> string) = "storage" ->
                let cls =
                    match t.[1] with
                    | :? PtObjects.StorageClass as c -> c.Name
                    | other -> bad (sprintf "a storage persistent id names %O instead of a storage class" other)
                let dtype =
                    match Storages.ofClassName cls with
                    | Ok d -> d
                    | Error name -> bad (sprintf "unsupported dtype %s (storage torch.%s); Fluxion reads float32, float64, int64, int32 and bool" name cls)
                let key = string t.[2]
                let numel = match t.[4] with :? int as n -> int64 n | :? int64 as n -> n | _ -> bad "a storage size is not an int"
                match storages.TryGetValue key with
                | true, s -> box s
                | _ ->
                    let entry = zip.GetEntry(prefix + "data/" + key)
                    if isNull entry then bad (sprintf "the archive has no storage entry '%sdata/%s'" prefix key)
                    let bytes =
                        use s = entry.Open()
                        use ms = new MemoryStream()
                        try s.CopyTo ms
                        with :? InvalidDataException as e -> bad (sprintf "storage '%s' is corrupt or truncated (%s)" key e.Message)
                        ms.ToArray()
                    let need = numel * int64 (Dtype.size dtype)
                    if int64 bytes.Length < need then
                        bad (sprintf "storage '%s' holds %d bytes but %d %s elements need %d (the file is truncated or corrupt)" key bytes.Length numel (Dtype.name dtype) need)
                    let s = PtObjects.Storage(dtype, bytes, numel)
                    storages.[key] <- s
                    box s
            | _ -> bad (sprintf "unsupported persistent id %O" pid)

    /// Reads a torch.save file: tensors, StateDicts (OrderedDicts of tensors), dictionaries, lists, tuples and
    /// plain values; anything else in the pickle is refused before it is unpickled.
    let read (path: string) : obj =
        if isNull path then nullArg "path"
        let bytes = File.ReadAllBytes path
        let bad (msg: string) (inner: exn) = raise (InvalidDataException(sprintf "%s: %s" path msg, inner))
        if bytes.Length < 4 || bytes.[0] <> 0x50uy || bytes.[1] <> 0x4Buy || bytes.[2] <> 3uy || bytes.[3] <> 4uy then
            bad "not a PyTorch checkpoint (torch.save writes a zip archive, which starts with 'PK'; legacy pre-1.6 files are not supported)" null
        let zip =
            try new ZipArchive(new MemoryStream(bytes, false), ZipArchiveMode.Read)
            with :? InvalidDataException as e -> bad (sprintf "the zip archive is truncated or corrupt (%s)" e.Message) e
        use _ = zip
        let pkl =
            zip.Entries |> Seq.tryFind (fun e -> e.FullName = "data.pkl" || (e.FullName.EndsWith "/data.pkl" && e.FullName.IndexOf '/' = e.FullName.Length - 9))
        let pkl = match pkl with Some e -> e | None -> bad "the archive has no <name>/data.pkl entry (not a torch.save file)" null
        let prefix = pkl.FullName.Substring(0, pkl.FullName.Length - "data.pkl".Length)
        let data =
            use s = pkl.Open()
            use ms = new MemoryStream()
            try s.CopyTo ms
            with :? InvalidDataException as e -> bad (sprintf "data.pkl is corrupt or truncated (%s)" e.Message) e
            ms.ToArray()
        let data = PickleGuard.check path data
        PtObjects.register.Force()
        use u = new TorchUnpickler(path, zip, prefix)
        let raw =
            try u.loads data
            with
            | :? InvalidDataException as e when e.Message.StartsWith path -> reraise ()
            | :? InvalidDataException as e -> bad e.Message e
            | :? PickleException as e -> bad (sprintf "the pickle data.pkl cannot be read (%s)" e.Message) e
            | :? InvalidCastException as e -> bad (sprintf "the pickle data.pkl has an unexpected structure (%s)" e.Message) e
            | :? InvalidOperationException as e -> bad (sprintf "the pickle data.pkl is malformed (%s)" e.Message) e
        try PtObjects.normalize raw
        with :? InvalidDataException as e -> bad e.Message e

    /// Writes a value as torch.save does (zip archive `<stem>/data.pkl`, `<stem>/data/<n>`, `<stem>/version`):
    /// tensors, StateDicts, dictionaries, lists, arrays (as tuples), strings, numbers, bools and null.
    let write (path: string) (value: obj) =
        if isNull path then nullArg "path"
        PtWriting.register.Force()
        let pickler = new PtWriting.TorchPickler()
        let pkl = pickler.dumps (PtWriting.prepare value)
        let stem =
            let s = Path.GetFileNameWithoutExtension path
            let s = String(s |> Seq.map (fun c -> if Char.IsLetterOrDigit c || c = '_' || c = '-' then c else '_') |> Array.ofSeq)
            if s = "" then "archive" else s
        let entries =
            [ yield stem + "/data.pkl", pkl
              for i in 0 .. pickler.Storages.Count - 1 do yield sprintf "%s/data/%d" stem i, pickler.Storages.[i]
              yield stem + "/version", Encoding.ASCII.GetBytes "3\n" ]
        let tmp = path + ".tmp"
        (
            use fs = new FileStream(tmp, FileMode.Create, FileAccess.Write)
            ZipWriter.write fs entries
        )
        File.Move(tmp, path, true)
