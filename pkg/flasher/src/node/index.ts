export { NodeWebSerialPort, type NodeSerialPortLike, type NodeSerialInfo } from './serial-adapter';
