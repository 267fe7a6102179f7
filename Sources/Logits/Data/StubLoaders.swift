enum LIBSVMLoader { static func load(path: String, options: LoadOptions) throws -> Dataset { throw DataFileError(file: path, message: "LIBSVM loader not built yet") } }
enum CSVLoader { static func load(path: String, options: LoadOptions) throws -> Dataset { throw DataFileError(file: path, message: "CSV loader not built yet") } }
enum IDXLoader { static func load(imagesPath: String, options: LoadOptions) throws -> Dataset { throw DataFileError(file: imagesPath, message: "IDX loader not built yet") } }
