// A module no static import reaches, standing in for a Worker entry point in the compile test.
export const role = "worker entry point";
